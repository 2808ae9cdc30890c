// Pure graph logic of the runtime: flattening sub-patches, resolving parameters against manifests and diffing
// two flattened graphs into the few changes the audio graph needs (so unchanged nodes keep playing).
import type { NodeManifest, ParamSpec, ParamValue, PatchDocument, PatchEdge, PatchModule, PatchNode } from '../types';

export interface FlatNode {
  id: string; // top-level id, or instance ids joined by '/' down to the inner node ("voice1/osc")
  type: string;
  params: Record<string, ParamValue>;
}

export interface FlatEdge {
  key: string; // "from.node:from.port->to.node:to.port": an edge's identity across edits
  from: { node: string; port: string };
  to: { node: string; port: string };
}

export interface FlatGraph {
  nodes: Map<string, FlatNode>;
  edges: Map<string, FlatEdge>;
}

export const MAX_MODULE_DEPTH = 16;

export function edgeKey(from: { node: string; port: string }, to: { node: string; port: string }): string {
  return `${from.node}:${from.port}->${to.node}:${to.port}`;
}

/**
 * Expands every `module` node into its inner nodes (ids prefixed with the instance id and '/') and rewires the edges
 * that touch a module node's ports to the inner ports the module exposes. Nested modules expand recursively; a
 * module that (wrongly) contains itself stops at MAX_MODULE_DEPTH instead of looping.
 */
export function flatten(patch: PatchDocument): FlatGraph {
  const modules = new Map<string, PatchModule>((patch.modules ?? []).map((m) => [m.id, m]));
  const nodes = new Map<string, FlatNode>();
  const edges = new Map<string, FlatEdge>();

  const expand = (graphNodes: PatchNode[], graphEdges: PatchEdge[], prefix: string, depth: number): void => {
    const byId = new Map(graphNodes.map((n) => [n.id, n]));
    // Where an edge ending at (node, port) of this graph really lands, and where one starting there really starts.
    const inputsOf = (nodeId: string, port: string, level: number): { node: string; port: string }[] => {
      const node = byId.get(nodeId);
      if (node === undefined) return [];
      return resolveInput(node, prefix, port, level);
    };
    const outputOf = (nodeId: string, port: string, level: number): { node: string; port: string } | undefined => {
      const node = byId.get(nodeId);
      if (node === undefined) return undefined;
      return resolveOutput(node, prefix, port, level);
    };
    for (const node of graphNodes) {
      if (node.type === 'module') {
        const definition = node.module === undefined ? undefined : modules.get(node.module);
        if (definition !== undefined && depth < MAX_MODULE_DEPTH) {
          expand(definition.nodes, definition.edges, `${prefix}${node.id}/`, depth + 1);
        }
      } else {
        const id = prefix + node.id;
        nodes.set(id, { id, type: node.type, params: { ...(node.params ?? {}) } });
      }
    }
    for (const edge of graphEdges) {
      const from = outputOf(edge.from.node, edge.from.port, depth);
      if (from === undefined) continue;
      for (const to of inputsOf(edge.to.node, edge.to.port, depth)) {
        const key = edgeKey(from, to);
        edges.set(key, { key, from, to });
      }
    }
  };

  const resolveInput = (node: PatchNode, prefix: string, port: string, depth: number): { node: string; port: string }[] => {
    if (node.type !== 'module') return [{ node: prefix + node.id, port }];
    const definition = node.module === undefined ? undefined : modules.get(node.module);
    if (definition === undefined || depth >= MAX_MODULE_DEPTH) return [];
    const inner = new Map(definition.nodes.map((n) => [n.id, n]));
    // Several exposed inputs may share an id only by mistake; every match is wired.
    return definition.inputs
      .filter((p) => p.id === port)
      .flatMap((p) => {
        const target = inner.get(p.node);
        return target === undefined ? [] : resolveInput(target, `${prefix}${node.id}/`, p.port, depth + 1);
      });
  };

  const resolveOutput = (node: PatchNode, prefix: string, port: string, depth: number): { node: string; port: string } | undefined => {
    if (node.type !== 'module') return { node: prefix + node.id, port };
    const definition = node.module === undefined ? undefined : modules.get(node.module);
    if (definition === undefined || depth >= MAX_MODULE_DEPTH) return undefined;
    const exposed = definition.outputs.find((p) => p.id === port);
    const target = exposed === undefined ? undefined : definition.nodes.find((n) => n.id === exposed.node);
    return exposed === undefined || target === undefined ? undefined : resolveOutput(target, `${prefix}${node.id}/`, exposed.port, depth + 1);
  };

  expand(patch.nodes, patch.edges, '', 0);
  return { nodes, edges };
}

/** One parameter's value made safe: numbers clamped (and stepped), unknown choices and wrong kinds → the default. */
export function clampParam(spec: ParamSpec, value: ParamValue | undefined): ParamValue {
  switch (spec.kind) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return spec.default;
      let v = Math.min(spec.max, Math.max(spec.min, value));
      if (spec.step !== undefined && spec.step > 0) {
        v = Math.min(spec.max, Math.max(spec.min, spec.min + Math.round((v - spec.min) / spec.step) * spec.step));
      }
      return v;
    }
    case 'choice':
      return typeof value === 'string' && spec.options.includes(value) ? value : spec.default;
    case 'toggle':
      return typeof value === 'boolean' ? value : spec.default;
    case 'text':
      return typeof value === 'string' ? value.slice(0, spec.maxLength) : spec.default;
    case 'media':
      return typeof value === 'string' ? value : spec.default;
  }
}

/** Every parameter of the manifest with its value (given or default), clamped. Unknown keys are dropped. */
export function resolveParams(manifest: NodeManifest, given: Record<string, ParamValue> | undefined): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const spec of manifest.params) {
    out[spec.id] = clampParam(spec, given?.[spec.id]);
  }
  return out;
}

export interface GraphDiff {
  /** Nodes to build (new ids, or ids whose type changed). */
  added: FlatNode[];
  /** Node ids to fade out and drop (gone, or type changed). */
  removed: string[];
  /** Parameter changes on nodes that stay. */
  changed: { node: string; param: string; value: ParamValue }[];
  addedEdges: FlatEdge[];
  removedEdges: FlatEdge[];
}

/** What turns the running graph `before` into `after`. Edges of rebuilt nodes are removed and added again. */
export function diffGraphs(before: FlatGraph, after: FlatGraph): GraphDiff {
  const diff: GraphDiff = { added: [], removed: [], changed: [], addedEdges: [], removedEdges: [] };
  const rebuilt = new Set<string>();
  for (const [id, old] of before.nodes) {
    const next = after.nodes.get(id);
    if (next === undefined || next.type !== old.type) {
      diff.removed.push(id);
      if (next !== undefined) rebuilt.add(id);
    }
  }
  for (const [id, next] of after.nodes) {
    const old = before.nodes.get(id);
    if (old === undefined || rebuilt.has(id)) {
      diff.added.push(next);
      continue;
    }
    const keys = new Set([...Object.keys(old.params), ...Object.keys(next.params)]);
    for (const key of keys) {
      const value = next.params[key];
      if (value !== undefined && value !== old.params[key]) {
        diff.changed.push({ node: id, param: key, value });
      }
    }
  }
  const touchesRebuilt = (e: FlatEdge): boolean => rebuilt.has(e.from.node) || rebuilt.has(e.to.node);
  for (const [key, edge] of before.edges) {
    if (!after.edges.has(key) || touchesRebuilt(edge)) diff.removedEdges.push(edge);
  }
  for (const [key, edge] of after.edges) {
    if (!before.edges.has(key) || touchesRebuilt(edge)) diff.addedEdges.push(edge);
  }
  return diff;
}
