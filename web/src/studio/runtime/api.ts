// The node module API: what a node implementation (built-in or from a plugin pack) receives and returns.
// Plugins are plain JavaScript, so this file is also their reference (docs/plugins.md describes it in prose).
import type { LogEntry, NodeManifest, NodeProbe, ParamValue } from '../types';

/**
 * A trigger: an instant on the audio clock. `on: false` closes a gate that an earlier trigger opened without a
 * `duration` (a held key); a trigger with `duration` closes itself after that many seconds; a bare trigger is a beat.
 */
export interface TriggerMessage {
  time: number; // audio-context time in seconds (sample-accurate scheduling)
  on?: boolean;
  duration?: number;
  value?: number;
}

/** A MIDI-like note message; `note` is a MIDI note number (fractional for microtones), velocity 0…1. */
export interface MidiMessage {
  time: number;
  kind: 'noteon' | 'noteoff';
  note: number;
  velocity: number;
  channel?: number;
}

export type NodeMessage = TriggerMessage | MidiMessage;

/** What the runtime hands a node implementation when it builds one. */
export interface NodeContext {
  /** The audio context (an AudioContext live, an OfflineAudioContext for renders). */
  readonly audio: BaseAudioContext;
  /** True while rendering offline: no timers, no devices, everything scheduled up front. */
  readonly offline: boolean;
  /** The node's id in the (flattened) patch. */
  readonly id: string;
  readonly manifest: NodeManifest;
  /** Initial parameter values: every parameter of the manifest, clamped to its range. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Loads an AudioWorklet module once per context; `url` is resolved against the pack's module URL. */
  addWorklet(url: string): Promise<void>;
  /** Sends a trigger or MIDI message out of an output port (to every connected input). */
  emit(port: string, message: NodeMessage): void;
  log(level: LogEntry['level'], message: string): void;
  /** The runtime's scheduler: `tick(from, to)` is called for consecutive windows of audio time ahead of playback. */
  onTick(tick: (from: number, to: number) => void | Promise<void>): void;
  /** The master bus (the recorder of the whole mix and the output nodes use it). */
  readonly master: AudioNode;
  /** Tells the editor a recorder finished (WebM/Opus). */
  recording(blob: Blob): void;
}

/**
 * A built node. Audio and control ports map to Web Audio objects: an output port to an AudioNode (its output 0),
 * an input port to an AudioNode or AudioParam. A control input whose id is also a number parameter's id
 * should map to that parameter's AudioParam and be listed in `paramInputs`: a connected signal then replaces
 * the parameter's value (the runtime sets the param's own value to 0 while connected, and back when unplugged).
 */
export interface NodeInstance {
  inputs?: Record<string, AudioNode | AudioParam>;
  outputs?: Record<string, AudioNode>;
  /** Input ports (ids) that drive an AudioParam together with the parameter of the same id. */
  paramInputs?: Record<string, AudioParam>;
  /** A parameter changed; `time` is the audio time to ramp from. Numbers arrive clamped. */
  setParam?(id: string, value: ParamValue, time: number): void;
  /** A trigger or MIDI message reached input `port`. */
  receive?(port: string, message: NodeMessage): void;
  command?(name: string, arg?: unknown): void;
  probe?(): NodeProbe;
  /** Called after the node was faded out and disconnected. */
  dispose?(): void;
}

export type NodeFactory = (context: NodeContext) => NodeInstance | Promise<NodeInstance>;

/** What a pack's module exports as default: `export default { nodes: { 'example.random': factory } }`. */
export interface NodeModule {
  nodes: Record<string, NodeFactory>;
}

export function isMidi(message: NodeMessage): message is MidiMessage {
  return 'kind' in message;
}
