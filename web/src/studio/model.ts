// The open patch: its document, the graph being edited (top level or a module), React Flow's nodes and edges, the
// selection, undo/redo, the clipboard and the console, in one zustand store per open patch.
//
// Performance: React Flow's nodes live in the store and a drag only moves them there (applyNodeChanges touches the
// dragged nodes alone); the document learns the new positions once, on drag stop. After a document change the flow
// nodes are rebuilt reusing every node object whose patch node did not change, so memoised node components of the
// other 499 nodes do not render again.

import { applyEdgeChanges, applyNodeChanges, type Edge, type EdgeChange, type Node, type NodeChange } from '@xyflow/react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  addNode,
  checkConnection,
  connect,
  copySelection,
  graphOf,
  groupIntoModule,
  moveNodes,
  parseClipboard,
  paste,
  portsOf,
  pruneEdges,
  removeEdges,
  removeNodes,
  setControl,
  setParam,
  ungroup,
  updateNode,
  type ClipboardPayload,
  type NodePorts,
  type Registry,
} from './graph.ts';
import { History } from './history.ts';
import type { LogEntry, NodeManifest, ParamValue, PatchDocument, PatchEdge, PatchNode, PortType, StudioRuntime } from './types.ts';

export type StudioNodeData = {
  node: PatchNode;
  manifest: NodeManifest | undefined;
  ports: NodePorts;
  title: string;
  category: string;
};

export type StudioFlowNode = Node<StudioNodeData, 'studio'>;
export type StudioFlowEdge = Edge<{ type: PortType }>;

/** What kind of change the last commit was: the runtime skips moves, and parameter changes it already heard. */
export type ChangeKind = 'structure' | 'param' | 'move' | 'load';

export interface EditorState {
  doc: PatchDocument;
  /** The graph on the canvas: null for the top level, else a module id; `path` is the breadcrumb. */
  moduleId: string | null;
  path: string[];
  nodes: StudioFlowNode[];
  edges: StudioFlowEdge[];
  /** Selected node ids, in the order they appear. */
  selected: string[];
  status: { text: string; level: 'info' | 'error'; at: number } | null;
  canUndo: boolean;
  canRedo: boolean;
  lastChange: ChangeKind;
  logs: LogEntry[];
}

export const maxLogEntries = 1000;

/** Colour of each port type (handles, edges and the legend). */
export const portColors: Record<PortType, string> = {
  audio: '#f97316',
  control: '#3b82f6',
  trigger: '#eab308',
  pattern: '#a855f7',
  midi: '#22c55e',
  any: '#94a3b8',
};

export const categoryColors: Record<string, string> = {
  generators: '#0ea5e9',
  processors: '#8b5cf6',
  visualizers: '#10b981',
  io: '#f59e0b',
  modules: '#ec4899',
};

export function categoryColor(category: string): string {
  return categoryColors[category] ?? '#64748b';
}

/** The flow nodes of graph `moduleId`, reusing `previous` objects whose patch node and ports are unchanged. */
export function toFlowNodes(doc: PatchDocument, moduleId: string | null, registry: Registry, previous: readonly StudioFlowNode[] = []): StudioFlowNode[] {
  const byId = new Map(previous.map((n) => [n.id, n]));
  return graphOf(doc, moduleId).nodes.map((node) => {
    const old = byId.get(node.id);
    const ports = portsOf(node, doc, registry);
    if (old && old.data.node === node && samePorts(old.data.ports, ports)) {
      return old;
    }
    const manifest = node.type === 'module' ? undefined : registry.get(node.type);
    const module = node.type === 'module' ? doc.modules?.find((m) => m.id === node.module) : undefined;
    return {
      id: node.id,
      type: 'studio',
      position: { x: node.x, y: node.y },
      selected: old?.selected ?? false,
      ...(old?.measured ? { measured: old.measured } : {}),
      data: {
        node,
        manifest,
        ports,
        title: node.label ?? module?.name ?? manifest?.name ?? node.type,
        category: node.type === 'module' ? 'modules' : (manifest?.category ?? 'unknown'),
      },
    };
  });
}

function samePorts(a: NodePorts, b: NodePorts): boolean {
  const same = (x: NodePorts['inputs'], y: NodePorts['inputs']) => x === y || (x.length === y.length && x.every((p, i) => p.id === y[i]!.id && p.type === y[i]!.type && p.name === y[i]!.name));
  return same(a.inputs, b.inputs) && same(a.outputs, b.outputs);
}

export function toFlowEdges(doc: PatchDocument, moduleId: string | null, registry: Registry, previous: readonly StudioFlowEdge[] = []): StudioFlowEdge[] {
  const graph = graphOf(doc, moduleId);
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const byId = new Map(previous.map((e) => [e.id, e]));
  return graph.edges.map((edge) => {
    const from = nodes.get(edge.from.node);
    const type = (from && portsOf(from, doc, registry).outputs.find((p) => p.id === edge.from.port)?.type) ?? 'any';
    const old = byId.get(edge.id);
    if (old && old.source === edge.from.node && old.sourceHandle === edge.from.port && old.target === edge.to.node && old.targetHandle === edge.to.port && old.data?.type === type) {
      return old;
    }
    return {
      id: edge.id,
      source: edge.from.node,
      sourceHandle: edge.from.port,
      target: edge.to.node,
      targetHandle: edge.to.port,
      selected: old?.selected ?? false,
      data: { type },
      style: { stroke: portColors[type], strokeWidth: type === 'audio' ? 2.5 : 1.5 },
    };
  });
}

/** The document edges of flow edges (the inverse of toFlowEdges, for tests and export). */
export function fromFlowEdges(edges: readonly StudioFlowEdge[]): PatchEdge[] {
  return edges.map((e) => ({ id: e.id, from: { node: e.source, port: e.sourceHandle ?? '' }, to: { node: e.target, port: e.targetHandle ?? '' } }));
}

/** The document nodes of flow nodes, with the positions React Flow has now. */
export function fromFlowNodes(nodes: readonly StudioFlowNode[]): PatchNode[] {
  return nodes.map((n) => ({ ...n.data.node, x: Math.round(n.position.x), y: Math.round(n.position.y) }));
}

/** Where Ctrl+C/Ctrl+V keep data: the system clipboard when allowed, else memory (also across patches in one tab). */
export interface ClipboardAccess {
  write(text: string): Promise<void>;
  read(): Promise<string>;
}

let memoryClipboard = '';

export const systemClipboard: ClipboardAccess = {
  async write(text) {
    memoryClipboard = text;
    await navigator.clipboard.writeText(text);
  },
  async read() {
    try {
      const text = await navigator.clipboard.readText();
      if (parseClipboard(text)) {
        return text;
      }
    } catch {
      // permission denied or no clipboard: the in-memory copy
    }
    return memoryClipboard;
  },
};

export const pasteOffset = 40;

export class EditorModel {
  readonly store: StoreApi<EditorState>;
  readonly history: History;
  runtime: StudioRuntime | null = null;
  #pasteCount = 0;

  constructor(
    doc: PatchDocument,
    readonly registry: Registry,
    readonly clipboard: ClipboardAccess = systemClipboard,
    now: () => number = Date.now,
  ) {
    this.history = new History(undefined, now);
    this.store = createStore<EditorState>(() => ({
      doc,
      moduleId: null,
      path: [],
      nodes: toFlowNodes(doc, null, registry),
      edges: toFlowEdges(doc, null, registry),
      selected: [],
      status: null,
      canUndo: false,
      canRedo: false,
      lastChange: 'load',
      logs: [],
    }));
  }

  get state(): EditorState {
    return this.store.getState();
  }

  get doc(): PatchDocument {
    return this.state.doc;
  }

  /** Applies a new document as one undoable step (or part of the gesture `key`). */
  commit(next: PatchDocument, kind: ChangeKind = 'structure', key?: string, select?: string[]): void {
    const { doc, moduleId, nodes, edges } = this.state;
    if (next === doc && select === undefined) {
      return;
    }
    if (next !== doc) {
      this.history.record(doc, key);
    }
    let flowNodes = toFlowNodes(next, moduleId, this.registry, nodes);
    if (select !== undefined) {
      const chosen = new Set(select);
      flowNodes = flowNodes.map((n) => (n.selected === chosen.has(n.id) ? n : { ...n, selected: chosen.has(n.id) }));
    }
    this.store.setState({
      doc: next,
      nodes: flowNodes,
      edges: toFlowEdges(next, moduleId, this.registry, edges),
      selected: flowNodes.filter((n) => n.selected).map((n) => n.id),
      canUndo: this.history.canUndo,
      canRedo: this.history.canRedo,
      lastChange: kind,
    });
  }

  /** Replaces the whole document (a reload, an import, a restored version): undoable, the canvas starts afresh. */
  replace(next: PatchDocument, undoable = true): void {
    if (undoable) {
      this.history.record(this.state.doc);
    } else {
      this.history.clear();
    }
    this.store.setState({
      doc: next,
      moduleId: null,
      path: [],
      nodes: toFlowNodes(next, null, this.registry),
      edges: toFlowEdges(next, null, this.registry),
      selected: [],
      canUndo: this.history.canUndo,
      canRedo: this.history.canRedo,
      lastChange: 'load',
    });
  }

  say(text: string, level: 'info' | 'error' = 'info'): void {
    this.store.setState({ status: { text, level, at: Date.now() } });
  }

  log(entry: LogEntry): void {
    const logs = this.state.logs.length >= maxLogEntries ? this.state.logs.slice(-maxLogEntries + 1) : this.state.logs.slice();
    logs.push(entry);
    this.store.setState({ logs });
  }

  clearLogs(): void {
    this.store.setState({ logs: [] });
  }

  // ---- React Flow events ----

  readonly onNodesChange = (changes: NodeChange<StudioFlowNode>[]): void => {
    // Removal goes through deleteSelection (one undo step, controls and module ports cleaned up).
    const kept = changes.filter((c) => c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace');
    if (kept.length === 0) {
      return;
    }
    const nodes = applyNodeChanges(kept, this.state.nodes);
    const patch: Partial<EditorState> = { nodes };
    if (kept.some((c) => c.type === 'select')) {
      patch.selected = nodes.filter((n) => n.selected).map((n) => n.id);
    }
    this.store.setState(patch);
    const ended = kept.filter((c) => c.type === 'position' && c.dragging === false);
    if (ended.length > 0) {
      this.#commitPositions();
    }
  };

  readonly onEdgesChange = (changes: EdgeChange<StudioFlowEdge>[]): void => {
    const kept = changes.filter((c) => c.type === 'select');
    if (kept.length > 0) {
      this.store.setState({ edges: applyEdgeChanges(kept, this.state.edges) });
    }
  };

  /** Called by React Flow at drag stop too (a drag of several nodes ends with one position change per node). */
  readonly onNodeDragStop = (): void => {
    this.#commitPositions();
  };

  #commitPositions(): void {
    const positions = new Map(this.state.nodes.map((n) => [n.id, n.position]));
    const next = moveNodes(this.state.doc, this.state.moduleId, positions);
    if (next !== this.state.doc) {
      this.history.seal();
      this.commit(next, 'move');
    }
  }

  readonly isValidConnection = (connection: { source: string; target: string; sourceHandle?: string | null; targetHandle?: string | null }): boolean => {
    const { doc, moduleId } = this.state;
    const check = checkConnection(
      doc,
      graphOf(doc, moduleId),
      this.registry,
      { node: connection.source, port: connection.sourceHandle ?? '' },
      { node: connection.target, port: connection.targetHandle ?? '' },
    );
    if (!check.ok && check.reason) {
      const reason = capitalise(check.reason);
      if (this.state.status?.text !== reason) {
        // React Flow asks while the pointer moves; the status line shows why the port refuses.
        queueMicrotask(() => this.say(reason, 'error'));
      }
    }
    return check.ok;
  };

  readonly onConnect = (connection: { source: string; target: string; sourceHandle?: string | null; targetHandle?: string | null }): void => {
    this.connect({ node: connection.source, port: connection.sourceHandle ?? '' }, { node: connection.target, port: connection.targetHandle ?? '' });
  };

  connect(from: { node: string; port: string }, to: { node: string; port: string }): boolean {
    const result = connect(this.state.doc, this.state.moduleId, this.registry, from, to);
    if ('reason' in result) {
      this.say(capitalise(result.reason), 'error');
      return false;
    }
    this.commit(result.doc);
    return true;
  }

  // ---- editing ----

  add(type: string, x: number, y: number): string {
    const { doc, id } = addNode(this.state.doc, this.state.moduleId, this.registry, type, x, y);
    this.commit(doc, 'structure', undefined, [id]);
    return id;
  }

  select(ids: string[]): void {
    const chosen = new Set(ids);
    const nodes = this.state.nodes.map((n) => (n.selected === chosen.has(n.id) ? n : { ...n, selected: chosen.has(n.id) }));
    this.store.setState({ nodes, selected: nodes.filter((n) => n.selected).map((n) => n.id) });
  }

  selectAll(): void {
    this.select(this.state.nodes.map((n) => n.id));
  }

  deleteSelection(): void {
    const nodeIds = new Set(this.state.selected);
    const edgeIds = new Set(this.state.edges.filter((e) => e.selected).map((e) => e.id));
    if (nodeIds.size === 0 && edgeIds.size === 0) {
      return;
    }
    const next = removeNodes(removeEdges(this.state.doc, this.state.moduleId, edgeIds), this.state.moduleId, nodeIds);
    this.commit(next, 'structure', undefined, []);
  }

  setParam(nodeId: string, paramId: string, value: ParamValue, gesture = true): void {
    const { doc, moduleId } = this.state;
    const next = setParam(doc, moduleId, nodeId, paramId, value);
    const live = moduleId === null && this.runtime !== null;
    this.commit(next, live ? 'param' : 'structure', gesture ? `param:${moduleId ?? ''}:${nodeId}:${paramId}` : undefined);
    if (live) {
      this.runtime!.setParam(nodeId, paramId, value);
    }
  }

  /** Ends a knob/slider gesture: the next move is a new undo step. */
  endGesture(): void {
    this.history.seal();
  }

  setLabel(nodeId: string, label: string): void {
    this.commit(
      updateNode(this.state.doc, this.state.moduleId, nodeId, (n) => {
        const { label: _, ...rest } = n;
        return label.trim() ? { ...rest, label: label.trim().slice(0, 100) } : rest;
      }),
      'structure',
      `label:${nodeId}`,
    );
  }

  setExposed(nodeId: string, paramId: string, exposed: boolean, label?: string): void {
    this.commit(setControl(this.state.doc, nodeId, paramId, exposed, label));
  }

  undo(): void {
    const previous = this.history.undo(this.state.doc);
    if (previous) {
      this.#restore(previous);
    }
  }

  redo(): void {
    const next = this.history.redo(this.state.doc);
    if (next) {
      this.#restore(next);
    }
  }

  #restore(doc: PatchDocument): void {
    let { moduleId, path } = this.state;
    if (moduleId !== null && !doc.modules?.some((m) => m.id === moduleId)) {
      moduleId = null;
      path = [];
    }
    const nodes = toFlowNodes(doc, moduleId, this.registry, moduleId === this.state.moduleId ? this.state.nodes : []);
    this.store.setState({
      doc,
      moduleId,
      path,
      nodes,
      edges: toFlowEdges(doc, moduleId, this.registry, this.state.edges),
      selected: nodes.filter((n) => n.selected).map((n) => n.id),
      canUndo: this.history.canUndo,
      canRedo: this.history.canRedo,
      lastChange: 'structure',
    });
  }

  // ---- clipboard ----

  copyPayload(): ClipboardPayload | null {
    return copySelection(this.state.doc, this.state.moduleId, new Set(this.state.selected));
  }

  async copy(cut = false): Promise<void> {
    const payload = this.copyPayload();
    if (!payload) {
      return;
    }
    const text = JSON.stringify(payload);
    this.#pasteCount = 0;
    try {
      await this.clipboard.write(text);
      this.say(`Copied ${payload.nodes.length} node${payload.nodes.length === 1 ? '' : 's'}.`);
    } catch {
      this.say(`Copied ${payload.nodes.length} node${payload.nodes.length === 1 ? '' : 's'} (inside this browser tab only: clipboard access was refused).`);
    }
    if (cut) {
      this.deleteSelection();
    }
  }

  async paste(): Promise<void> {
    const payload = parseClipboard(await this.clipboard.read());
    if (!payload) {
      this.say('Nothing to paste: copy nodes first (Ctrl+C).', 'error');
      return;
    }
    this.pastePayload(payload);
  }

  pastePayload(payload: ClipboardPayload): string[] {
    this.#pasteCount++;
    const offset = pasteOffset * this.#pasteCount;
    const result = paste(this.state.doc, this.state.moduleId, payload, { x: offset, y: offset });
    this.commit(result.doc, 'structure', undefined, result.ids);
    return result.ids;
  }

  // ---- sub-patches ----

  group(name?: string): boolean {
    const ids = new Set(this.state.selected);
    if (ids.size === 0) {
      this.say('Select the nodes to group first.', 'error');
      return false;
    }
    const count = (this.state.doc.modules?.length ?? 0) + 1;
    const result = groupIntoModule(this.state.doc, this.state.moduleId, ids, name ?? `Module ${count}`);
    if (!result) {
      return false;
    }
    this.commit(result.doc, 'structure', undefined, [result.nodeId]);
    this.say(`Grouped ${ids.size} node${ids.size === 1 ? '' : 's'} into a module: double-click it to edit inside.`);
    return true;
  }

  ungroupSelection(): boolean {
    const node = this.state.nodes.find((n) => n.selected && n.data.node.type === 'module');
    if (!node) {
      this.say('Select a module node to ungroup.', 'error');
      return false;
    }
    const result = ungroup(this.state.doc, this.state.moduleId, node.id);
    if (!result) {
      return false;
    }
    this.commit(result.doc, 'structure', undefined, result.ids);
    return true;
  }

  renameModule(moduleId: string, name: string): void {
    const clean = name.trim().slice(0, 100);
    if (!clean) {
      return;
    }
    this.commit({ ...this.state.doc, modules: (this.state.doc.modules ?? []).map((m) => (m.id === moduleId ? { ...m, name: clean } : m)) }, 'structure', `module-name:${moduleId}`);
  }

  /** Opens a module node's definition on the canvas (the breadcrumb grows). */
  enterModule(nodeId: string): void {
    const node = graphOf(this.state.doc, this.state.moduleId).nodes.find((n) => n.id === nodeId);
    if (node?.type !== 'module' || !node.module || !this.state.doc.modules?.some((m) => m.id === node.module)) {
      return;
    }
    this.#show(node.module, [...this.state.path, node.module]);
  }

  /** Goes back up the breadcrumb to `depth` (0: the top level). */
  leaveTo(depth: number): void {
    const path = this.state.path.slice(0, depth);
    this.#show(path.at(-1) ?? null, path);
  }

  #show(moduleId: string | null, path: string[]): void {
    const { doc } = this.state;
    this.store.setState({
      moduleId,
      path,
      nodes: toFlowNodes(doc, moduleId, this.registry),
      edges: toFlowEdges(doc, moduleId, this.registry),
      selected: [],
    });
  }

  /** Module port editing inside a module: expose (or hide) an inner port. */
  setModulePort(side: 'inputs' | 'outputs', nodeId: string, port: string, exposed: boolean): void {
    const moduleId = this.state.moduleId;
    if (moduleId === null) {
      return;
    }
    const doc = this.state.doc;
    const modules = (doc.modules ?? []).map((m) => {
      if (m.id !== moduleId) {
        return m;
      }
      const list = m[side].filter((p) => !(p.node === nodeId && p.port === port));
      if (exposed) {
        const taken = new Set(list.map((p) => p.id));
        let id = `${nodeId}_${port}`.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 60);
        for (let i = 2; taken.has(id); i++) {
          id = `${nodeId}_${port}${i}`;
        }
        list.push({ id, name: `${nodeId} ${port}`, node: nodeId, port });
      }
      return { ...m, [side]: list };
    });
    // Edges through ports that are gone go too.
    this.commit(pruneEdges({ ...doc, modules }));
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
