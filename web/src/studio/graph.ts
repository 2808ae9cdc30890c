// Pure graph logic of the editor: node registry, port types and the connection rules of docs/patch-format.md, the
// graphs of a document (the top level and each module), grouping nodes into a module and back, and the
// clipboard. No React and no I/O, so graph.test.ts can check each rule.

import type {
  NodeManifest,
  PackManifest,
  ParamSpec,
  ParamValue,
  PatchControl,
  PatchDocument,
  PatchEdge,
  PatchModule,
  PatchNode,
  PortSpec,
  PortType,
} from './types.ts';

/** Node types by type id, from every pack. */
export type Registry = ReadonlyMap<string, NodeManifest>;

export function buildRegistry(packs: readonly PackManifest[]): Registry {
  const registry = new Map<string, NodeManifest>();
  for (const pack of packs) {
    for (const node of pack.nodes) {
      registry.set(node.type, { ...node, pack: node.pack ?? pack.id });
    }
  }
  return registry;
}

export function emptyDocument(): PatchDocument {
  return { format: 'atelier.patch', version: 1, nodes: [], edges: [], modules: [], controls: [], viewport: { x: 0, y: 0, zoom: 1 } };
}

// ---- connection rules ----

/** Why an output of type `from` cannot feed an input of type `to`, or null when it can (docs/patch-format.md). */
export function connectionRefusal(from: PortType, to: PortType): string | null {
  if (from === to && from !== 'any') {
    return null;
  }
  if (from === 'audio' && to === 'control') {
    return null; // audio-rate modulation
  }
  if (to === 'any' && from !== 'audio') {
    return null;
  }
  if (to === 'any') {
    return 'audio output cannot feed an any input (only control, trigger, pattern and MIDI values can)';
  }
  return `${from} output cannot feed ${article(to)} ${to} input`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** An input port takes at most one edge, except audio inputs, which sum any number. */
export function takesManyEdges(type: PortType): boolean {
  return type === 'audio';
}

// ---- graphs of a document ----

export interface Graph {
  nodes: PatchNode[];
  edges: PatchEdge[];
}

/** The graph being edited: the top level (`moduleId` null) or one module definition. */
export function graphOf(doc: PatchDocument, moduleId: string | null): Graph {
  if (moduleId === null) {
    return { nodes: doc.nodes, edges: doc.edges };
  }
  const module = doc.modules?.find((m) => m.id === moduleId);
  return module ? { nodes: module.nodes, edges: module.edges } : { nodes: [], edges: [] };
}

/** A copy of `doc` with the graph `moduleId` replaced. */
export function withGraph(doc: PatchDocument, moduleId: string | null, graph: Graph): PatchDocument {
  if (moduleId === null) {
    return { ...doc, nodes: graph.nodes, edges: graph.edges };
  }
  return { ...doc, modules: (doc.modules ?? []).map((m) => (m.id === moduleId ? { ...m, nodes: graph.nodes, edges: graph.edges } : m)) };
}

export interface NodePorts {
  inputs: PortSpec[];
  outputs: PortSpec[];
}

const noPorts: NodePorts = { inputs: [], outputs: [] };

/** The ports of a node: its manifest's, or for a module node its module's exposed ports with the inner ports' types. */
export function portsOf(node: PatchNode, doc: PatchDocument, registry: Registry, seen: ReadonlySet<string> = new Set()): NodePorts {
  if (node.type !== 'module') {
    const manifest = registry.get(node.type);
    return manifest ? { inputs: manifest.inputs, outputs: manifest.outputs } : noPorts;
  }
  const module = doc.modules?.find((m) => m.id === node.module);
  if (!module || seen.has(module.id)) {
    return noPorts;
  }
  const inner = new Set(seen).add(module.id);
  const typeOf = (nodeId: string, portId: string, side: 'inputs' | 'outputs'): PortType | undefined => {
    const target = module.nodes.find((n) => n.id === nodeId);
    return target ? portsOf(target, doc, registry, inner)[side].find((p) => p.id === portId)?.type : undefined;
  };
  return {
    inputs: module.inputs.flatMap((p) => {
      const type = typeOf(p.node, p.port, 'inputs');
      return type ? [{ id: p.id, name: p.name, type }] : [];
    }),
    outputs: module.outputs.flatMap((p) => {
      const type = typeOf(p.node, p.port, 'outputs');
      return type ? [{ id: p.id, name: p.name, type }] : [];
    }),
  };
}

export interface ConnectionCheck {
  ok: boolean;
  reason?: string;
  /** Edges the new one replaces (the old edge into a non-audio input). */
  replaces: string[];
}

/** Whether `from.port` of node `from.node` may feed `to.port` of `to.node` in `graph`, and what it would replace. */
export function checkConnection(
  doc: PatchDocument,
  graph: Graph,
  registry: Registry,
  from: { node: string; port: string },
  to: { node: string; port: string },
): ConnectionCheck {
  const source = graph.nodes.find((n) => n.id === from.node);
  const target = graph.nodes.find((n) => n.id === to.node);
  if (!source || !target) {
    return { ok: false, reason: 'that node no longer exists', replaces: [] };
  }
  if (source.id === target.id) {
    return { ok: false, reason: 'a node cannot feed itself', replaces: [] };
  }
  const out = portsOf(source, doc, registry).outputs.find((p) => p.id === from.port);
  const input = portsOf(target, doc, registry).inputs.find((p) => p.id === to.port);
  if (!out || !input) {
    return { ok: false, reason: 'a connection goes from an output to an input', replaces: [] };
  }
  const refusal = connectionRefusal(out.type, input.type);
  if (refusal !== null) {
    return { ok: false, reason: refusal, replaces: [] };
  }
  const existing = graph.edges.filter((e) => e.to.node === to.node && e.to.port === to.port);
  if (existing.some((e) => e.from.node === from.node && e.from.port === from.port)) {
    return { ok: false, reason: 'these ports are already connected', replaces: [] };
  }
  return { ok: true, replaces: takesManyEdges(input.type) ? [] : existing.map((e) => e.id) };
}

/** Adds an edge, replacing the one already in a non-audio input. Returns null with the reason when refused. */
export function connect(
  doc: PatchDocument,
  moduleId: string | null,
  registry: Registry,
  from: { node: string; port: string },
  to: { node: string; port: string },
): { doc: PatchDocument } | { reason: string } {
  const graph = graphOf(doc, moduleId);
  const check = checkConnection(doc, graph, registry, from, to);
  if (!check.ok) {
    return { reason: check.reason ?? 'not allowed' };
  }
  const ids = new Set(graph.edges.map((e) => e.id));
  const edge: PatchEdge = { id: uniqueId('e', ids), from: { ...from }, to: { ...to } };
  const edges = graph.edges.filter((e) => !check.replaces.includes(e.id)).concat(edge);
  return { doc: withGraph(doc, moduleId, { nodes: graph.nodes, edges }) };
}

// ---- ids ----

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** `base` itself when free and valid, else `base2`, `base3`, … (ids are 1–64 of A-Za-z0-9_-). */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  let clean = base.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 56) || 'n';
  if (!idPattern.test(clean)) {
    clean = 'n';
  }
  if (!taken.has(clean) && clean !== 'e') {
    return clean;
  }
  for (let i = 2; ; i++) {
    const candidate = `${clean}${i}`;
    if (!taken.has(candidate)) {
      return candidate;
    }
  }
}

/** A short id base for a node type: `core.oscillator` → `oscillator`. */
export function idBase(type: string): string {
  return type === 'module' ? 'module' : (type.split('.').pop() ?? 'n');
}

// ---- editing ----

export function defaultParams(manifest: NodeManifest | undefined): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const p of manifest?.params ?? []) {
    params[p.id] = p.default;
  }
  return params;
}

/** Adds a node of `type` (a node type, or `module:ID`) at (x, y); returns the document and the new node's id. */
export function addNode(doc: PatchDocument, moduleId: string | null, registry: Registry, type: string, x: number, y: number): { doc: PatchDocument; id: string } {
  const graph = graphOf(doc, moduleId);
  const taken = new Set(graph.nodes.map((n) => n.id));
  let node: PatchNode;
  if (type.startsWith('module:')) {
    const module = type.slice('module:'.length);
    node = { id: uniqueId(module, taken), type: 'module', module, x: Math.round(x), y: Math.round(y) };
  } else {
    node = { id: uniqueId(idBase(type), taken), type, x: Math.round(x), y: Math.round(y), params: defaultParams(registry.get(type)) };
  }
  return { doc: withGraph(doc, moduleId, { nodes: [...graph.nodes, node], edges: graph.edges }), id: node.id };
}

/** Removes nodes (and their edges, exposed module ports and controls) from the graph `moduleId`. */
export function removeNodes(doc: PatchDocument, moduleId: string | null, ids: ReadonlySet<string>): PatchDocument {
  if (ids.size === 0) {
    return doc;
  }
  const graph = graphOf(doc, moduleId);
  let next = withGraph(doc, moduleId, {
    nodes: graph.nodes.filter((n) => !ids.has(n.id)),
    edges: graph.edges.filter((e) => !ids.has(e.from.node) && !ids.has(e.to.node)),
  });
  if (moduleId === null) {
    next = { ...next, controls: (next.controls ?? []).filter((c) => !ids.has(c.node)) };
  } else {
    next = {
      ...next,
      modules: (next.modules ?? []).map((m) =>
        m.id === moduleId ? { ...m, inputs: m.inputs.filter((p) => !ids.has(p.node)), outputs: m.outputs.filter((p) => !ids.has(p.node)) } : m,
      ),
    };
  }
  return pruneEdges(next);
}

export function removeEdges(doc: PatchDocument, moduleId: string | null, ids: ReadonlySet<string>): PatchDocument {
  if (ids.size === 0) {
    return doc;
  }
  const graph = graphOf(doc, moduleId);
  return withGraph(doc, moduleId, { nodes: graph.nodes, edges: graph.edges.filter((e) => !ids.has(e.id)) });
}

/** Drops edges in every graph whose ports no longer exist (e.g. after a module lost an exposed port). */
export function pruneEdges(doc: PatchDocument, registry?: Registry): PatchDocument {
  const prune = (graph: Graph): PatchEdge[] => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    return graph.edges.filter((e) => {
      const from = byId.get(e.from.node);
      const to = byId.get(e.to.node);
      if (!from || !to) {
        return false;
      }
      if (!registry) {
        // Without the registry only module ports can be checked.
        return (from.type !== 'module' || hasModulePort(doc, from, 'outputs', e.from.port)) && (to.type !== 'module' || hasModulePort(doc, to, 'inputs', e.to.port));
      }
      return portsOf(from, doc, registry).outputs.some((p) => p.id === e.from.port) && portsOf(to, doc, registry).inputs.some((p) => p.id === e.to.port);
    });
  };
  const edges = prune(doc);
  const modules = (doc.modules ?? []).map((m) => {
    const moduleEdges = prune(m);
    return moduleEdges.length === m.edges.length ? m : { ...m, edges: moduleEdges };
  });
  const same = edges.length === doc.edges.length && modules.every((m, i) => m === doc.modules?.[i]);
  return same ? doc : { ...doc, edges, modules };
}

function hasModulePort(doc: PatchDocument, node: PatchNode, side: 'inputs' | 'outputs', port: string): boolean {
  return doc.modules?.find((m) => m.id === node.module)?.[side].some((p) => p.id === port) ?? false;
}

export function updateNode(doc: PatchDocument, moduleId: string | null, id: string, change: (node: PatchNode) => PatchNode): PatchDocument {
  const graph = graphOf(doc, moduleId);
  return withGraph(doc, moduleId, { nodes: graph.nodes.map((n) => (n.id === id ? change(n) : n)), edges: graph.edges });
}

export function setParam(doc: PatchDocument, moduleId: string | null, id: string, param: string, value: ParamValue): PatchDocument {
  return updateNode(doc, moduleId, id, (n) => ({ ...n, params: { ...n.params, [param]: value } }));
}

/** Moves nodes to new positions (one change for a whole drag). */
export function moveNodes(doc: PatchDocument, moduleId: string | null, positions: ReadonlyMap<string, { x: number; y: number }>): PatchDocument {
  const graph = graphOf(doc, moduleId);
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p || (Math.round(p.x) === n.x && Math.round(p.y) === n.y)) {
      return n;
    }
    changed = true;
    return { ...n, x: Math.round(p.x), y: Math.round(p.y) };
  });
  return changed ? withGraph(doc, moduleId, { nodes, edges: graph.edges }) : doc;
}

/** Exposes a top-level parameter in perform mode (or hides it again). */
export function setControl(doc: PatchDocument, node: string, param: string, exposed: boolean, label?: string): PatchDocument {
  const controls = (doc.controls ?? []).filter((c) => !(c.node === node && c.param === param));
  if (exposed) {
    const control: PatchControl = { node, param };
    if (label) {
      control.label = label;
    }
    controls.push(control);
  }
  return { ...doc, controls };
}

/** The value a node's parameter has: its own, or the manifest's default. */
export function paramValue(node: PatchNode, spec: ParamSpec): ParamValue {
  return node.params?.[spec.id] ?? spec.default;
}

// ---- sub-patches ----

/** Module ids that `moduleId` uses, directly or through others (itself included). */
export function moduleClosure(doc: PatchDocument, roots: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (found.has(id)) {
      continue;
    }
    found.add(id);
    for (const n of doc.modules?.find((m) => m.id === id)?.nodes ?? []) {
      if (n.type === 'module' && n.module) {
        stack.push(n.module);
      }
    }
  }
  return found;
}

/**
 * Groups the nodes `ids` of graph `moduleId` into a new module definition and puts one module node in their place.
 * Edges inside the selection move into the module; an edge crossing the boundary becomes an exposed port of the
 * module (one per inner port, shared by every edge through it) and is rewired to the module node. Inner positions are
 * kept relative to the selection's top-left corner, where the module node goes, so ungrouping restores them exactly.
 */
export function groupIntoModule(
  doc: PatchDocument,
  moduleId: string | null,
  ids: ReadonlySet<string>,
  name = 'Module',
): { doc: PatchDocument; moduleId: string; nodeId: string } | null {
  const graph = graphOf(doc, moduleId);
  const inside = graph.nodes.filter((n) => ids.has(n.id));
  if (inside.length === 0) {
    return null;
  }
  const left = Math.min(...inside.map((n) => n.x));
  const top = Math.min(...inside.map((n) => n.y));
  const moduleIds = new Set((doc.modules ?? []).map((m) => m.id));
  const newModuleId = uniqueId(name.toLowerCase().replace(/\s+/g, '-'), moduleIds);
  const nodeId = uniqueId(newModuleId, new Set(graph.nodes.filter((n) => !ids.has(n.id)).map((n) => n.id)));

  const inputs: PatchModule['inputs'] = [];
  const outputs: PatchModule['outputs'] = [];
  const exposed = (list: PatchModule['inputs'], node: string, port: string): string => {
    const found = list.find((p) => p.node === node && p.port === port);
    if (found) {
      return found.id;
    }
    const id = uniqueId(`${node}_${port}`, new Set(list.map((p) => p.id)));
    const nodeName = inside.find((n) => n.id === node)?.label ?? node;
    list.push({ id, name: `${nodeName} ${port}`, node, port });
    return id;
  };

  const innerEdges: PatchEdge[] = [];
  const outerEdges: PatchEdge[] = [];
  for (const e of graph.edges) {
    const fromIn = ids.has(e.from.node);
    const toIn = ids.has(e.to.node);
    if (fromIn && toIn) {
      innerEdges.push(e);
    } else if (toIn) {
      outerEdges.push({ ...e, to: { node: nodeId, port: exposed(inputs, e.to.node, e.to.port) } });
    } else if (fromIn) {
      outerEdges.push({ ...e, from: { node: nodeId, port: exposed(outputs, e.from.node, e.from.port) } });
    } else {
      outerEdges.push(e);
    }
  }

  const module: PatchModule = {
    id: newModuleId,
    name,
    nodes: inside.map((n) => ({ ...n, x: n.x - left, y: n.y - top })),
    edges: innerEdges,
    inputs,
    outputs,
  };
  const moduleNode: PatchNode = { id: nodeId, type: 'module', module: newModuleId, x: left, y: top, label: name };
  const nodes = graph.nodes.filter((n) => !ids.has(n.id));
  nodes.push(moduleNode);
  let next = withGraph({ ...doc, modules: [...(doc.modules ?? []), module] }, moduleId, { nodes, edges: outerEdges });
  if (moduleId === null) {
    next = { ...next, controls: (next.controls ?? []).filter((c) => !ids.has(c.node)) };
  }
  return { doc: next, moduleId: newModuleId, nodeId };
}

/**
 * Replaces a module node by the module's nodes (ids kept where free, else renamed) with its edges rewired. The module
 * definition stays while another node still uses it.
 */
export function ungroup(doc: PatchDocument, moduleId: string | null, nodeId: string): { doc: PatchDocument; ids: string[] } | null {
  const graph = graphOf(doc, moduleId);
  const node = graph.nodes.find((n) => n.id === nodeId);
  const module = node?.type === 'module' ? doc.modules?.find((m) => m.id === node.module) : undefined;
  if (!node || !module) {
    return null;
  }
  const taken = new Set(graph.nodes.filter((n) => n.id !== nodeId).map((n) => n.id));
  const rename = new Map<string, string>();
  for (const inner of module.nodes) {
    const id = uniqueId(inner.id, taken);
    taken.add(id);
    rename.set(inner.id, id);
  }
  const edgeIds = new Set(graph.edges.map((e) => e.id));
  const freshEdgeId = (base: string): string => {
    const id = uniqueId(base, edgeIds);
    edgeIds.add(id);
    return id;
  };
  const nodes = graph.nodes.filter((n) => n.id !== nodeId).concat(module.nodes.map((n) => ({ ...n, id: rename.get(n.id)!, x: n.x + node.x, y: n.y + node.y })));
  const edges: PatchEdge[] = [];
  for (const e of graph.edges) {
    if (e.to.node === nodeId) {
      const port = module.inputs.find((p) => p.id === e.to.port);
      if (port) {
        edges.push({ ...e, to: { node: rename.get(port.node)!, port: port.port } });
      }
    } else if (e.from.node === nodeId) {
      const port = module.outputs.find((p) => p.id === e.from.port);
      if (port) {
        edges.push({ ...e, from: { node: rename.get(port.node)!, port: port.port } });
      }
    } else {
      edges.push(e);
    }
  }
  for (const e of module.edges) {
    edges.push({ id: freshEdgeId(e.id), from: { node: rename.get(e.from.node)!, port: e.from.port }, to: { node: rename.get(e.to.node)!, port: e.to.port } });
  }
  let next = withGraph(doc, moduleId, { nodes, edges });
  if (!moduleInUse(next, module.id)) {
    next = { ...next, modules: (next.modules ?? []).filter((m) => m.id !== module.id) };
  }
  if (moduleId === null) {
    next = { ...next, controls: (next.controls ?? []).filter((c) => c.node !== nodeId) };
  }
  return { doc: next, ids: [...rename.values()] };
}

export function moduleInUse(doc: PatchDocument, id: string): boolean {
  const uses = (nodes: PatchNode[]) => nodes.some((n) => n.type === 'module' && n.module === id);
  return uses(doc.nodes) || (doc.modules ?? []).some((m) => m.id !== id && uses(m.nodes));
}

// ---- clipboard ----

/** What Ctrl+C puts on the clipboard: the selected nodes, the edges among them and the modules they use. */
export interface ClipboardPayload {
  format: 'atelier.clipboard';
  version: 1;
  nodes: PatchNode[];
  edges: PatchEdge[];
  modules: PatchModule[];
}

export function copySelection(doc: PatchDocument, moduleId: string | null, ids: ReadonlySet<string>): ClipboardPayload | null {
  const graph = graphOf(doc, moduleId);
  const nodes = graph.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) {
    return null;
  }
  const edges = graph.edges.filter((e) => ids.has(e.from.node) && ids.has(e.to.node));
  const used = moduleClosure(doc, nodes.filter((n) => n.type === 'module' && n.module).map((n) => n.module!));
  const modules = (doc.modules ?? []).filter((m) => used.has(m.id));
  return { format: 'atelier.clipboard', version: 1, nodes, edges, modules };
}

export function parseClipboard(text: string): ClipboardPayload | null {
  try {
    const value = JSON.parse(text) as Partial<ClipboardPayload>;
    if (value?.format === 'atelier.clipboard' && Array.isArray(value.nodes) && Array.isArray(value.edges)) {
      return { format: 'atelier.clipboard', version: 1, nodes: value.nodes, edges: value.edges, modules: Array.isArray(value.modules) ? value.modules : [] };
    }
  } catch {
    // not ours
  }
  return null;
}

/**
 * Pastes a clipboard payload into graph `moduleId`: every node gets a fresh id, positions move by `offset`, edges are
 * rewired to the new ids, and modules come along: one already in the document with the same id and the same content is
 * reused, a different one with a taken id is renamed (with the nodes that use it).
 */
export function paste(doc: PatchDocument, moduleId: string | null, payload: ClipboardPayload, offset: { x: number; y: number }): { doc: PatchDocument; ids: string[] } {
  const modules = [...(doc.modules ?? [])];
  const moduleRename = new Map<string, string>();
  const takenModules = new Set(modules.map((m) => m.id));
  for (const m of payload.modules) {
    const existing = modules.find((x) => x.id === m.id);
    if (existing && JSON.stringify(existing) === JSON.stringify(m)) {
      moduleRename.set(m.id, m.id);
    } else if (existing) {
      const id = uniqueId(m.id, takenModules);
      takenModules.add(id);
      moduleRename.set(m.id, id);
    } else {
      takenModules.add(m.id);
      moduleRename.set(m.id, m.id);
    }
  }
  const renameModuleRef = (n: PatchNode): PatchNode => (n.type === 'module' && n.module && moduleRename.has(n.module) ? { ...n, module: moduleRename.get(n.module)! } : n);
  for (const m of payload.modules) {
    const id = moduleRename.get(m.id)!;
    if (!modules.some((x) => x.id === id)) {
      modules.push({ ...m, id, nodes: m.nodes.map(renameModuleRef) });
    }
  }

  const graph = graphOf({ ...doc, modules }, moduleId);
  const taken = new Set(graph.nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  for (const n of payload.nodes) {
    const id = uniqueId(freshBase(n), taken);
    taken.add(id);
    rename.set(n.id, id);
  }
  const edgeIds = new Set(graph.edges.map((e) => e.id));
  const nodes = payload.nodes.map((n) => renameModuleRef({ ...n, id: rename.get(n.id)!, x: Math.round(n.x + offset.x), y: Math.round(n.y + offset.y) }));
  const edges = payload.edges
    .filter((e) => rename.has(e.from.node) && rename.has(e.to.node))
    .map((e) => {
      const id = uniqueId('e', edgeIds);
      edgeIds.add(id);
      return { id, from: { node: rename.get(e.from.node)!, port: e.from.port }, to: { node: rename.get(e.to.node)!, port: e.to.port } };
    });
  // A module must not contain itself: pasting a module node into its own definition is dropped.
  const forbidden = moduleId === null ? new Set<string>() : modulesContaining({ ...doc, modules }, moduleId);
  const allowed = nodes.filter((n) => !(n.type === 'module' && n.module && forbidden.has(n.module)));
  const allowedIds = new Set(allowed.map((n) => n.id));
  const next = withGraph({ ...doc, modules }, moduleId, {
    nodes: [...graph.nodes, ...allowed],
    edges: [...graph.edges, ...edges.filter((e) => allowedIds.has(e.from.node) && allowedIds.has(e.to.node))],
  });
  return { doc: next, ids: [...allowedIds] };
}

/** A pasted node's new id starts from its type, not its old id (`oscillator3`, not `osc2`): ids are renamed. */
function freshBase(n: PatchNode): string {
  return n.type === 'module' ? (n.module ?? 'module') : idBase(n.type);
}

/** Modules whose closure includes `moduleId` (so they must not be placed inside it). */
export function modulesContaining(doc: PatchDocument, moduleId: string): Set<string> {
  const result = new Set<string>();
  for (const m of doc.modules ?? []) {
    if (moduleClosure(doc, [m.id]).has(moduleId)) {
      result.add(m.id);
    }
  }
  return result;
}

/** Whether the document has nodes only the server runs (so "Run on server" makes sense). */
export function hasServerNodes(doc: PatchDocument, registry: Registry): boolean {
  const all = [...doc.nodes, ...(doc.modules ?? []).flatMap((m) => m.nodes)];
  return all.some((n) => registry.get(n.type)?.runtime === 'server');
}

/** Counts every node of the document, modules included (the server's limit is 2,000). */
export function nodeCount(doc: PatchDocument): number {
  return doc.nodes.length + (doc.modules ?? []).reduce((sum, m) => sum + m.nodes.length, 0);
}

/** Checks that a parsed file is a patch document this editor understands; returns the problem otherwise. */
export function validateImport(value: unknown): { doc: PatchDocument } | { error: string } {
  if (typeof value !== 'object' || value === null) {
    return { error: 'The file is not a patch: it is not a JSON object.' };
  }
  const v = value as Partial<PatchDocument> & { version?: unknown; format?: unknown };
  if (v.format !== 'atelier.patch') {
    return { error: 'The file is not an Atelier patch (its "format" is not "atelier.patch").' };
  }
  if (v.version !== 1) {
    return { error: `The file is a patch of format version ${String(v.version)}; this editor reads version 1.` };
  }
  if (!Array.isArray(v.nodes) || !Array.isArray(v.edges)) {
    return { error: 'The patch has no "nodes" and "edges" lists.' };
  }
  return { doc: { ...emptyDocument(), ...(v as PatchDocument) } };
}
