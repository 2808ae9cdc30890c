// The studio's shared contract: the patch document (docs/patch-format.md), node-pack manifests (docs/plugins.md)
// and the browser runtime's interface. The editor, the runtime, the embed player and plugins all build on these.

export type PortType = 'audio' | 'control' | 'trigger' | 'pattern' | 'midi' | 'any';
export type NodeRuntimeKind = 'browser' | 'server' | 'both';
export type NodeCategory = 'generators' | 'processors' | 'visualizers' | 'io' | (string & {});

export interface PortSpec {
  id: string;
  type: PortType;
  name: string;
}

export type ParamSpec =
  | { id: string; name: string; kind: 'number'; min: number; max: number; default: number; unit: string; scale: 'linear' | 'log'; step?: number }
  | { id: string; name: string; kind: 'choice'; options: string[]; default: string }
  | { id: string; name: string; kind: 'toggle'; default: boolean }
  | { id: string; name: string; kind: 'text'; default: string; maxLength: number; multiline?: boolean; language?: string }
  | { id: string; name: string; kind: 'media'; mediaKind: string; default: string };

export type ParamValue = number | string | boolean;

/** One node type as declared by its pack's manifest. */
export interface NodeManifest {
  type: string;
  name: string;
  category: NodeCategory;
  description: string;
  runtime: NodeRuntimeKind;
  inputs: PortSpec[];
  outputs: PortSpec[];
  params: ParamSpec[];
  /** Set by GET /api/v1/studio/nodes: the pack that declares it. */
  pack?: string;
}

/** A node pack as GET /api/v1/studio/nodes returns it. `moduleUrl` is null for the built-in pack. */
export interface PackManifest {
  id: string;
  name: string;
  version: string;
  description: string;
  moduleUrl: string | null;
  nodes: NodeManifest[];
}

export interface PatchNode {
  id: string;
  type: string; // a node type, or 'module'
  module?: string;
  x: number;
  y: number;
  label?: string;
  params?: Record<string, ParamValue>;
}

export interface PortRef {
  node: string;
  port: string;
}

export interface PatchEdge {
  id: string;
  from: PortRef;
  to: PortRef;
}

export interface ModulePort {
  id: string;
  name: string;
  node: string;
  port: string;
}

export interface PatchModule {
  id: string;
  name: string;
  nodes: PatchNode[];
  edges: PatchEdge[];
  inputs: ModulePort[];
  outputs: ModulePort[];
}

export interface PatchControl {
  node: string;
  param: string;
  label?: string;
}

export interface PatchDocument {
  format: 'atelier.patch';
  version: 1;
  nodes: PatchNode[];
  edges: PatchEdge[];
  modules?: PatchModule[];
  controls?: PatchControl[];
  viewport?: { x: number; y: number; zoom: number };
}

/** A line for the editor's console panel (logger nodes, runtime errors, server runs). */
export interface LogEntry {
  time: number; // ms since the epoch
  level: 'info' | 'warn' | 'error';
  node?: string;
  message: string;
}

/** What a visualizer node offers the editor to draw. */
export interface NodeProbe {
  analyser?: AnalyserNode;
}

/**
 * The browser runtime: builds a Web Audio graph from a patch document and keeps it in step with edits without
 * restarting the audio (nodes added, removed or rewired; parameter changes ramped).
 */
export interface StudioRuntime {
  readonly context: BaseAudioContext;
  /** Brings the running graph in line with `patch` (a diff: unchanged nodes keep playing). */
  update(patch: PatchDocument): Promise<void>;
  /** Sets one parameter now, ramped (no clicks). */
  setParam(nodeId: string, paramId: string, value: ParamValue): void;
  /** For visualizer nodes (oscilloscope, spectrum, level meter). */
  probe(nodeId: string): NodeProbe | undefined;
  /** Where audio-out nodes end up (before the context's destination): for the recorder and the live recording. */
  readonly master: AudioNode;
  onLog(listener: (entry: LogEntry) => void): () => void;
  /** Node-specific actions offered by the node's UI, e.g. the recorder's 'start'/'stop', the sampler's 'trigger'. */
  command(nodeId: string, name: string, arg?: unknown): void;
  /** A recorder node finished a recording (WebM/Opus). */
  onRecording(listener: (nodeId: string, blob: Blob) => void): () => void;
  dispose(): Promise<void>;
}
