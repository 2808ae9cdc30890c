// The runtime's engine: keeps a Web Audio graph in step with a patch document. Each update flattens the patch,
// diffs it against what is running and applies only the difference: new nodes built, removed ones faded out then
// disconnected, parameter changes ramped, edges (dis)connected. Nothing that stays is restarted.
import type { LogEntry, NodeManifest, NodeProbe, PackManifest, ParamValue, PatchDocument, PortType, StudioRuntime } from '../types';
import type { NodeContext, NodeFactory, NodeInstance, NodeMessage } from './api';
import { clampParam, diffGraphs, flatten, resolveParams, type FlatEdge, type FlatGraph, type FlatNode } from './graph';

/** How long a removed node takes to fade out before it is disconnected (seconds). */
export const FADE_SECONDS = 0.02;
/** Parameter changes glide with this time constant (seconds): fast enough to feel immediate, slow enough not to click. */
export const RAMP_SECONDS = 0.01;
/** The live scheduler wakes this often (ms) and schedules this far ahead of the audio clock (s). */
export const TICK_MS = 50;
export const LOOKAHEAD_SECONDS = 0.25;

export interface RuntimeOptions {
  /** fetch used for the media library (the editor passes one that adds its bearer token). */
  fetch?: typeof fetch;
  /** Where the Strudel sandbox page lives (default /studio/strudel-sandbox). */
  strudelSandboxUrl?: string;
}

interface LiveNode {
  id: string;
  manifest: NodeManifest;
  instance: NodeInstance;
  params: Record<string, ParamValue>;
  /** One gain per audio/control output: the runtime fades through it and (dis)connects edges on it. */
  outs: Map<string, GainNode>;
  /** How many control edges drive each param input (while > 0 the param's own value is held at 0). */
  driven: Map<string, number>;
  ticks: ((from: number, to: number) => void | Promise<void>)[];
}

const MESSAGE_TYPES: ReadonlySet<PortType> = new Set(['trigger', 'midi', 'pattern']);

/** Glides an AudioParam to `value` from `time` without a click. */
export function ramp(param: AudioParam, value: number, time: number): void {
  param.setTargetAtTime(value, time, RAMP_SECONDS);
}

export class Engine implements StudioRuntime {
  readonly master: GainNode;
  readonly offline: boolean;
  private readonly factories = new Map<string, NodeFactory>();
  private readonly manifests = new Map<string, { manifest: NodeManifest; pack: PackManifest }>();
  private readonly live = new Map<string, LiveNode>();
  private graph: FlatGraph = { nodes: new Map(), edges: new Map() };
  private readonly logListeners = new Set<(entry: LogEntry) => void>();
  private readonly recordingListeners = new Set<(nodeId: string, blob: Blob) => void>();
  private readonly loggedOnce = new Set<string>();
  private readonly worklets = new Map<string, Promise<void>>();
  private queue: Promise<void> = Promise.resolve();
  private scheduledUntil: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;
  readonly services = new Map<string, unknown>();

  constructor(
    readonly context: BaseAudioContext,
    packs: PackManifest[],
    modules: Map<string, Record<string, NodeFactory>>,
    readonly options: RuntimeOptions = {},
  ) {
    this.offline = typeof OfflineAudioContext !== 'undefined' && context instanceof OfflineAudioContext;
    this.master = context.createGain();
    this.master.connect(context.destination);
    for (const pack of packs) {
      for (const manifest of pack.nodes) {
        this.manifests.set(manifest.type, { manifest, pack });
      }
      for (const [type, factory] of Object.entries(modules.get(pack.id) ?? {})) {
        this.factories.set(type, factory);
      }
    }
    this.scheduledUntil = context.currentTime;
    if (!this.offline) {
      this.timer = setInterval(() => void this.advanceTo(this.context.currentTime + LOOKAHEAD_SECONDS), TICK_MS);
    }
  }

  update(patch: PatchDocument): Promise<void> {
    // Updates run one after the other: an edit that arrives while a node is still loading waits for it.
    const run = this.queue.then(() => this.apply(patch));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private normalize(patch: PatchDocument): FlatGraph {
    const flat = flatten(patch);
    for (const node of flat.nodes.values()) {
      const known = this.manifests.get(node.type);
      if (known !== undefined) node.params = resolveParams(known.manifest, node.params);
    }
    return flat;
  }

  private async apply(patch: PatchDocument): Promise<void> {
    if (this.disposed) return;
    const next = this.normalize(patch);
    const diff = diffGraphs(this.graph, next);
    const now = this.context.currentTime;

    for (const edge of diff.removedEdges) this.disconnectEdge(edge);
    for (const id of diff.removed) this.removeNode(id, now);
    for (const change of diff.changed) this.applyParam(change.node, change.param, change.value, now);
    await Promise.all(diff.added.map((node) => this.buildNode(node)));
    this.graph = next;
    for (const edge of diff.addedEdges) this.connectEdge(edge);
  }

  private logOnce(key: string, entry: Omit<LogEntry, 'time'>): void {
    if (this.loggedOnce.has(key)) return;
    this.loggedOnce.add(key);
    this.log(entry);
  }

  log(entry: Omit<LogEntry, 'time'>): void {
    const full: LogEntry = { time: Date.now(), ...entry };
    for (const listener of this.logListeners) listener(full);
  }

  private async buildNode(node: FlatNode): Promise<void> {
    const known = this.manifests.get(node.type);
    if (known === undefined) {
      this.logOnce(`unknown:${node.type}`, { level: 'warn', node: node.id, message: `Unknown node type '${node.type}': skipped.` });
      return;
    }
    if (known.manifest.runtime === 'server') {
      this.logOnce(`server:${node.type}`, { level: 'info', node: node.id, message: `${known.manifest.name} runs on the server: skipped in the browser.` });
      return;
    }
    const factory = this.factories.get(node.type);
    if (factory === undefined) {
      this.logOnce(`missing:${node.type}`, { level: 'warn', node: node.id, message: `No browser implementation for '${node.type}'.` });
      return;
    }
    const entry: LiveNode = { id: node.id, manifest: known.manifest, instance: {}, params: { ...node.params }, outs: new Map(), driven: new Map(), ticks: [] };
    const context = this.nodeContext(entry, known.pack);
    try {
      entry.instance = await factory(context);
    } catch (error) {
      this.log({ level: 'error', node: node.id, message: `${known.manifest.name} could not start: ${describe(error)}` });
      return;
    }
    if (this.disposed) {
      entry.instance.dispose?.();
      return;
    }
    for (const port of known.manifest.outputs) {
      const source = entry.instance.outputs?.[port.id];
      if (source === undefined || MESSAGE_TYPES.has(port.type)) continue;
      const out = this.context.createGain();
      if (port.type === 'audio' && !this.offline) {
        // New sound fades in, so adding a node while playing does not click.
        out.gain.setValueAtTime(0, this.context.currentTime);
        out.gain.linearRampToValueAtTime(1, this.context.currentTime + FADE_SECONDS);
      }
      source.connect(out);
      entry.outs.set(port.id, out);
    }
    this.live.set(node.id, entry);
    // A node added while the scheduler runs starts at the scheduler's horizon, not at time 0.
    if (entry.ticks.length > 0 && this.scheduledUntil > this.context.currentTime) {
      await Promise.all(entry.ticks.map((tick) => tick(this.context.currentTime, this.scheduledUntil)));
    }
  }

  private nodeContext(entry: LiveNode, pack: PackManifest): NodeContext {
    const base = pack.moduleUrl === null ? undefined : new URL(pack.moduleUrl, globalThis.location?.href ?? 'http://localhost/');
    return {
      audio: this.context,
      offline: this.offline,
      id: entry.id,
      manifest: entry.manifest,
      params: entry.params,
      master: this.master,
      addWorklet: (url) => this.addWorklet(base === undefined ? url : new URL(url, base).href),
      emit: (port, message) => this.emit(entry.id, port, message),
      log: (level, message) => this.log({ level, node: entry.id, message }),
      onTick: (tick) => void entry.ticks.push(tick),
      recording: (blob) => {
        for (const listener of this.recordingListeners) listener(entry.id, blob);
      },
    };
  }

  /** Loads a worklet module once per context (addModule twice would register the processors twice and throw). */
  addWorklet(url: string): Promise<void> {
    let loading = this.worklets.get(url);
    if (loading === undefined) {
      if (this.context.audioWorklet === undefined) {
        return Promise.reject(new Error('AudioWorklet is not available (it needs a secure context: https or localhost).'));
      }
      loading = this.context.audioWorklet.addModule(url);
      this.worklets.set(url, loading);
    }
    return loading;
  }

  private emit(nodeId: string, port: string, message: NodeMessage): void {
    for (const edge of this.graph.edges.values()) {
      if (edge.from.node !== nodeId || edge.from.port !== port) continue;
      const target = this.live.get(edge.to.node);
      try {
        target?.instance.receive?.(edge.to.port, message);
      } catch (error) {
        this.log({ level: 'error', node: edge.to.node, message: describe(error) });
      }
    }
  }

  private portType(nodeId: string, port: string, direction: 'inputs' | 'outputs'): PortType | undefined {
    return this.live.get(nodeId)?.manifest[direction].find((p) => p.id === port)?.type;
  }

  private connectEdge(edge: FlatEdge): void {
    const from = this.live.get(edge.from.node);
    const to = this.live.get(edge.to.node);
    if (from === undefined || to === undefined) return;
    const type = this.portType(edge.from.node, edge.from.port, 'outputs');
    if (type === undefined || MESSAGE_TYPES.has(type)) return; // messages are routed by emit()
    const out = from.outs.get(edge.from.port);
    const target = to.instance.inputs?.[edge.to.port];
    if (out === undefined || target === undefined) return;
    if (target instanceof AudioParam) out.connect(target);
    else out.connect(target);
    const param = to.instance.paramInputs?.[edge.to.port];
    if (param !== undefined) {
      const count = (to.driven.get(edge.to.port) ?? 0) + 1;
      to.driven.set(edge.to.port, count);
      // A connected control signal replaces the parameter: its own value steps aside.
      if (count === 1) ramp(param, 0, this.context.currentTime);
    }
  }

  private disconnectEdge(edge: FlatEdge): void {
    const from = this.live.get(edge.from.node);
    const to = this.live.get(edge.to.node);
    if (from === undefined || to === undefined) return;
    const out = from.outs.get(edge.from.port);
    const target = to.instance.inputs?.[edge.to.port];
    if (out === undefined || target === undefined) return;
    try {
      if (target instanceof AudioParam) out.disconnect(target);
      else out.disconnect(target);
    } catch {
      return; // was not connected (a message edge, or a node rebuilt meanwhile)
    }
    const param = to.instance.paramInputs?.[edge.to.port];
    if (param !== undefined) {
      const count = Math.max(0, (to.driven.get(edge.to.port) ?? 0) - 1);
      to.driven.set(edge.to.port, count);
      const value = to.params[edge.to.port];
      if (count === 0 && typeof value === 'number') ramp(param, value, this.context.currentTime);
    }
  }

  private removeNode(id: string, now: number): void {
    const entry = this.live.get(id);
    if (entry === undefined) return;
    this.live.delete(id);
    for (const out of entry.outs.values()) {
      out.gain.cancelScheduledValues(now);
      out.gain.setTargetAtTime(0, now, FADE_SECONDS / 4);
    }
    const finish = (): void => {
      for (const out of entry.outs.values()) out.disconnect();
      for (const node of Object.values(entry.instance.outputs ?? {})) {
        try {
          node.disconnect();
        } catch {
          // already disconnected
        }
      }
      entry.instance.dispose?.();
    };
    if (this.offline) finish();
    else setTimeout(finish, FADE_SECONDS * 1000 * 2);
  }

  private applyParam(nodeId: string, paramId: string, value: ParamValue, time: number): void {
    const entry = this.live.get(nodeId);
    if (entry === undefined) return;
    const spec = entry.manifest.params.find((p) => p.id === paramId);
    if (spec === undefined) return;
    const clamped = clampParam(spec, value);
    entry.params[paramId] = clamped;
    const param = entry.instance.paramInputs?.[paramId];
    if (param !== undefined) {
      // While a control signal drives it, the value is remembered for when the cable is unplugged.
      if ((entry.driven.get(paramId) ?? 0) === 0 && typeof clamped === 'number') ramp(param, clamped, time);
      return;
    }
    try {
      entry.instance.setParam?.(paramId, clamped, time);
    } catch (error) {
      this.log({ level: 'error', node: nodeId, message: describe(error) });
    }
  }

  setParam(nodeId: string, paramId: string, value: ParamValue): void {
    const node = this.graph.nodes.get(nodeId);
    if (node !== undefined) node.params[paramId] = value;
    this.applyParam(nodeId, paramId, value, this.context.currentTime);
  }

  /** Runs the node schedulers up to `time` (live: from the timer; offline: the renderer walks the whole range). */
  async advanceTo(time: number): Promise<void> {
    if (time <= this.scheduledUntil || this.disposed) return;
    const from = this.scheduledUntil;
    this.scheduledUntil = time;
    const pending: Promise<void>[] = [];
    for (const entry of this.live.values()) {
      for (const tick of entry.ticks) {
        try {
          const result = tick(from, time);
          if (result !== undefined) pending.push(result.catch((error: unknown) => this.log({ level: 'error', node: entry.id, message: describe(error) })));
        } catch (error) {
          this.log({ level: 'error', node: entry.id, message: describe(error) });
        }
      }
    }
    await Promise.all(pending);
  }

  probe(nodeId: string): NodeProbe | undefined {
    return this.live.get(nodeId)?.instance.probe?.();
  }

  command(nodeId: string, name: string, arg?: unknown): void {
    try {
      this.live.get(nodeId)?.instance.command?.(name, arg);
    } catch (error) {
      this.log({ level: 'error', node: nodeId, message: describe(error) });
    }
  }

  onLog(listener: (entry: LogEntry) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  onRecording(listener: (nodeId: string, blob: Blob) => void): () => void {
    this.recordingListeners.add(listener);
    return () => this.recordingListeners.delete(listener);
  }

  /** Ids of the nodes that are running (for tests and the editor's status). */
  runningNodes(): string[] {
    return [...this.live.keys()];
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.queue;
    for (const id of [...this.live.keys()]) this.removeNode(id, this.context.currentTime);
    for (const service of this.services.values()) (service as { dispose?: () => void }).dispose?.();
    this.logListeners.clear();
    this.recordingListeners.clear();
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
