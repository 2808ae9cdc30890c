import { describe, expect, it } from 'vitest';
import { chain, registry } from './fixtures.ts';
import {
  connect,
  connectionRefusal,
  copySelection,
  groupIntoModule,
  parseClipboard,
  paste,
  portsOf,
  removeNodes,
  ungroup,
  validateImport,
} from './graph.ts';
import { flatten as flattenForRuntime } from './runtime/graph.ts';
import type { PatchDocument } from './types.ts';

type Wired = { edges: Iterable<{ from: { node: string; port: string }; to: { node: string; port: string } }> };
type Noded = { nodes: Iterable<{ id: string; type: string; params?: Record<string, unknown> }> };

/** What plays: the document flattened the way the runtime does (modules expanded), as plain lists. */
function flatten(doc: PatchDocument): Wired & Noded {
  const flat = flattenForRuntime(doc);
  return { nodes: [...flat.nodes.values()], edges: [...flat.edges.values()] };
}

/** Connections of a flat graph as comparable strings, node ids reduced to their last path segment. */
function wiring(graph: Wired): string[] {
  const last = (id: string) => id.split('/').pop();
  return [...graph.edges].map((e) => `${last(e.from.node)}.${e.from.port}->${last(e.to.node)}.${e.to.port}`).sort();
}

function nodesOf(graph: Noded): string[] {
  return [...graph.nodes].map((n) => `${n.id.split('/').pop()}:${n.type}:${JSON.stringify(n.params ?? {})}`).sort();
}

describe('connection rules', () => {
  it.each([
    ['audio', 'audio', true],
    ['control', 'control', true],
    ['audio', 'control', true],
    ['control', 'any', true],
    ['trigger', 'any', true],
    ['audio', 'trigger', false],
    ['control', 'audio', false],
    ['audio', 'any', false],
    ['midi', 'pattern', false],
  ] as const)('%s output → %s input: %s', (from, to, ok) => {
    expect(connectionRefusal(from, to) === null).toBe(ok);
  });

  it('names the refusal the way the user reads it', () => {
    expect(connectionRefusal('audio', 'trigger')).toBe('audio output cannot feed a trigger input');
    expect(connectionRefusal('control', 'audio')).toBe('control output cannot feed an audio input');
  });

  it('refuses audio into a trigger input and leaves the document alone', () => {
    const doc: PatchDocument = { ...chain(), nodes: [...chain().nodes, { id: 'env', type: 'core.envelope', x: 0, y: 0 }] };
    const result = connect(doc, null, registry, { node: 'osc', port: 'out' }, { node: 'env', port: 'gate' });
    expect(result).toEqual({ reason: 'audio output cannot feed a trigger input' });
  });

  it('replaces the edge into a non-audio input but sums audio inputs', () => {
    const doc: PatchDocument = { ...chain(), nodes: [...chain().nodes, { id: 'lfo2', type: 'core.lfo', x: 0, y: 0 }, { id: 'osc2', type: 'core.oscillator', x: 0, y: 0 }] };
    const replaced = connect(doc, null, registry, { node: 'lfo2', port: 'out' }, { node: 'flt', port: 'cutoff' });
    if (!('doc' in replaced)) throw new Error(replaced.reason);
    const intoCutoff = replaced.doc.edges.filter((e) => e.to.node === 'flt' && e.to.port === 'cutoff');
    expect(intoCutoff.map((e) => e.from.node)).toEqual(['lfo2']);

    const summed = connect(doc, null, registry, { node: 'osc2', port: 'out' }, { node: 'flt', port: 'in' });
    if (!('doc' in summed)) throw new Error(summed.reason);
    expect(summed.doc.edges.filter((e) => e.to.node === 'flt' && e.to.port === 'in').map((e) => e.from.node).sort()).toEqual(['osc', 'osc2']);
  });

  it('removing a node drops its edges and its perform control', () => {
    const next = removeNodes(chain(), null, new Set(['flt']));
    expect(next.edges.map((e) => e.id)).toEqual(['e3']);
    expect(next.controls).toEqual([]);
  });
});

describe('group into module and ungroup', () => {
  it('exposes the crossing edges as module ports typed like the inner ports', () => {
    const grouped = groupIntoModule(chain(), null, new Set(['flt', 'amp']), 'Tone')!;
    const module = grouped.doc.modules!.find((m) => m.id === grouped.moduleId)!;
    expect(module.nodes.map((n) => n.id)).toEqual(['flt', 'amp']);
    expect(module.edges.map((e) => e.id)).toEqual(['e2']);
    const node = grouped.doc.nodes.find((n) => n.id === grouped.nodeId)!;
    const ports = portsOf(node, grouped.doc, registry);
    expect(ports.inputs.map((p) => `${p.id}:${p.type}`)).toEqual(['flt_in:audio', 'flt_cutoff:control']);
    expect(ports.outputs.map((p) => `${p.id}:${p.type}`)).toEqual(['amp_out:audio']);
    expect(grouped.doc.edges.find((e) => e.id === 'e1')!.to).toEqual({ node: grouped.nodeId, port: 'flt_in' });
    expect(grouped.doc.nodes.map((n) => n.id).sort()).toEqual(['lfo', 'osc', 'out', grouped.nodeId].sort());
  });

  it('plays the same graph before grouping, after grouping and after ungrouping', () => {
    const original = chain();
    const grouped = groupIntoModule(original, null, new Set(['flt', 'amp']), 'Tone')!;
    expect(wiring(flatten(grouped.doc))).toEqual(wiring(flatten(original)));
    expect(nodesOf(flatten(grouped.doc))).toEqual(nodesOf(flatten(original)));

    const back = ungroup(grouped.doc, null, grouped.nodeId)!;
    expect(wiring(back.doc)).toEqual(wiring(original));
    expect(back.doc.nodes.map((n) => `${n.id}@${n.x},${n.y}`).sort()).toEqual(original.nodes.map((n) => `${n.id}@${n.x},${n.y}`).sort());
    expect(back.doc.modules).toEqual([]);
  });

  it('flattens modules nested in modules', () => {
    const once = groupIntoModule(chain(), null, new Set(['flt', 'amp']), 'Inner')!;
    const twice = groupIntoModule(once.doc, null, new Set([once.nodeId, 'osc']), 'Outer')!;
    expect(twice.doc.modules).toHaveLength(2);
    expect(wiring(flatten(twice.doc))).toEqual(wiring(flatten(chain())));
  });
});

describe('copy and paste', () => {
  it('copies the selected nodes with the edges among them only', () => {
    const payload = copySelection(chain(), null, new Set(['flt', 'amp']))!;
    expect(payload.nodes.map((n) => n.id)).toEqual(['flt', 'amp']);
    expect(payload.edges.map((e) => e.id)).toEqual(['e2']);
    expect(parseClipboard(JSON.stringify(payload))).toEqual(payload);
    expect(parseClipboard('{"format":"other"}')).toBeNull();
  });

  it('pastes with fresh ids, offset positions and rewired edges', () => {
    const doc = chain();
    const payload = copySelection(doc, null, new Set(['flt', 'amp']))!;
    const result = paste(doc, null, payload, { x: 40, y: 40 });
    expect(result.ids).toHaveLength(2);
    for (const id of result.ids) {
      expect(['flt', 'amp']).not.toContain(id);
    }
    const pasted = result.doc.nodes.filter((n) => result.ids.includes(n.id));
    expect(pasted.map((n) => [n.type, n.x, n.y])).toEqual([
      ['core.filter', 280, 40],
      ['core.gain', 520, 50],
    ]);
    const edge = result.doc.edges.at(-1)!;
    expect([edge.from.node, edge.to.node]).toEqual(result.ids);
    expect(new Set(result.doc.edges.map((e) => e.id)).size).toBe(result.doc.edges.length);
  });

  it('carries the modules the nodes use into another patch, renaming a clashing one', () => {
    const grouped = groupIntoModule(chain(), null, new Set(['flt', 'amp']), 'Tone')!;
    const payload = copySelection(grouped.doc, null, new Set([grouped.nodeId]))!;
    expect(payload.modules.map((m) => m.id)).toEqual([grouped.moduleId]);

    const other: PatchDocument = { format: 'atelier.patch', version: 1, nodes: [], edges: [], modules: [] };
    const into = paste(other, null, payload, { x: 0, y: 0 });
    expect(into.doc.modules!.map((m) => m.id)).toEqual([grouped.moduleId]);
    expect(into.doc.nodes[0]!.module).toBe(grouped.moduleId);

    const clash: PatchDocument = { ...other, modules: [{ ...payload.modules[0]!, name: 'Something else', nodes: [] }] };
    const renamed = paste(clash, null, payload, { x: 0, y: 0 });
    expect(renamed.doc.modules).toHaveLength(2);
    const used = renamed.doc.nodes[0]!.module!;
    expect(used).not.toBe(grouped.moduleId);
    expect(renamed.doc.modules!.find((m) => m.id === used)!.nodes.map((n) => n.id)).toEqual(['flt', 'amp']);

    const same = paste(grouped.doc, null, payload, { x: 0, y: 0 });
    expect(same.doc.modules).toHaveLength(1);
  });
});

describe('import', () => {
  it('refuses a newer format version with a message naming it', () => {
    expect(validateImport({ format: 'atelier.patch', version: 2, nodes: [], edges: [] })).toEqual({
      error: 'The file is a patch of format version 2; this editor reads version 1.',
    });
    expect('doc' in validateImport(chain())).toBe(true);
    expect(validateImport([])).toHaveProperty('error');
  });
});
