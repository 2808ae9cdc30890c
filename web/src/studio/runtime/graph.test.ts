import { describe, expect, it } from 'vitest';
import type { NodeManifest, PatchDocument } from '../types';
import { clampParam, diffGraphs, flatten, resolveParams } from './graph';

const doc = (over: Partial<PatchDocument>): PatchDocument => ({ format: 'atelier.patch', version: 1, nodes: [], edges: [], ...over });
const node = (id: string, type: string, params: Record<string, number | string | boolean> = {}) => ({ id, type, x: 0, y: 0, params });
const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

const voice = {
  id: 'voice',
  name: 'Voice',
  nodes: [node('osc', 'core.oscillator'), node('amp', 'core.gain')],
  edges: [edge('v1', 'osc', 'out', 'amp', 'in')],
  inputs: [{ id: 'pitch', name: 'Pitch', node: 'osc', port: 'frequency' }],
  outputs: [{ id: 'out', name: 'Out', node: 'amp', port: 'out' }],
};

describe('flatten', () => {
  it('prefixes module instances and rewires edges through exposed ports', () => {
    const flat = flatten(doc({
      modules: [voice],
      nodes: [node('lfo', 'core.lfo'), { id: 'v1', type: 'module', module: 'voice', x: 0, y: 0 }, { id: 'v2', type: 'module', module: 'voice', x: 0, y: 0 }, node('out', 'core.output')],
      edges: [edge('a', 'lfo', 'out', 'v1', 'pitch'), edge('b', 'v1', 'out', 'out', 'in'), edge('c', 'v2', 'out', 'out', 'in')],
    }));
    expect([...flat.nodes.keys()].sort()).toEqual(['lfo', 'out', 'v1/amp', 'v1/osc', 'v2/amp', 'v2/osc']);
    expect([...flat.edges.keys()].sort()).toEqual([
      'lfo:out->v1/osc:frequency',
      'v1/amp:out->out:in',
      'v1/osc:out->v1/amp:in',
      'v2/amp:out->out:in',
      'v2/osc:out->v2/amp:in',
    ]);
  });

  it('expands modules nested in modules', () => {
    const outer = { id: 'outer', name: 'Outer', nodes: [{ id: 'inner', type: 'module', module: 'voice', x: 0, y: 0 }], edges: [], inputs: [], outputs: [{ id: 'o', name: 'O', node: 'inner', port: 'out' }] };
    const flat = flatten(doc({ modules: [voice, outer], nodes: [{ id: 'm', type: 'module', module: 'outer', x: 0, y: 0 }, node('out', 'core.output')], edges: [edge('e', 'm', 'o', 'out', 'in')] }));
    expect(flat.nodes.has('m/inner/osc')).toBe(true);
    expect(flat.edges.has('m/inner/amp:out->out:in')).toBe(true);
  });

  it('stops at a module that contains itself instead of looping forever', () => {
    const loop = { id: 'loop', name: 'Loop', nodes: [node('g', 'core.gain'), { id: 'again', type: 'module', module: 'loop', x: 0, y: 0 }], edges: [], inputs: [], outputs: [] };
    const flat = flatten(doc({ modules: [loop], nodes: [{ id: 'l', type: 'module', module: 'loop', x: 0, y: 0 }] }));
    expect(flat.nodes.size).toBe(16);
  });

  it('drops edges to nodes or module ports that do not exist', () => {
    const flat = flatten(doc({ modules: [voice], nodes: [node('a', 'core.lfo'), { id: 'v', type: 'module', module: 'voice', x: 0, y: 0 }], edges: [edge('x', 'a', 'out', 'v', 'nope'), edge('y', 'ghost', 'out', 'a', 'in')] }));
    expect(flat.edges.size).toBe(1); // only the module's inner edge
  });
});

describe('diffGraphs', () => {
  const base = doc({ nodes: [node('osc', 'core.oscillator', { frequency: 440 }), node('out', 'core.output')], edges: [edge('e', 'osc', 'out', 'out', 'in')] });

  it('reports only a parameter change when only a parameter changed', () => {
    const next = doc({ ...base, nodes: [node('osc', 'core.oscillator', { frequency: 220 }), node('out', 'core.output')] });
    const diff = diffGraphs(flatten(base), flatten(next));
    expect(diff).toEqual({ added: [], removed: [], changed: [{ node: 'osc', param: 'frequency', value: 220 }], addedEdges: [], removedEdges: [] });
  });

  it('adds and removes nodes and edges', () => {
    const next = doc({ nodes: [node('osc', 'core.oscillator', { frequency: 440 }), node('flt', 'core.filter'), node('out', 'core.output')], edges: [edge('1', 'osc', 'out', 'flt', 'in'), edge('2', 'flt', 'out', 'out', 'in')] });
    const diff = diffGraphs(flatten(base), flatten(next));
    expect(diff.added.map((n) => n.id)).toEqual(['flt']);
    expect(diff.removed).toEqual([]);
    expect(diff.removedEdges.map((e) => e.key)).toEqual(['osc:out->out:in']);
    expect(diff.addedEdges.map((e) => e.key).sort()).toEqual(['flt:out->out:in', 'osc:out->flt:in']);
    const back = diffGraphs(flatten(next), flatten(base));
    expect(back.removed).toEqual(['flt']);
  });

  it('rebuilds a node whose type changed, with its edges', () => {
    const next = doc({ ...base, nodes: [node('osc', 'core.noise'), node('out', 'core.output')] });
    const diff = diffGraphs(flatten(base), flatten(next));
    expect(diff.removed).toEqual(['osc']);
    expect(diff.added.map((n) => n.type)).toEqual(['core.noise']);
    expect(diff.removedEdges.map((e) => e.key)).toEqual(['osc:out->out:in']);
    expect(diff.addedEdges.map((e) => e.key)).toEqual(['osc:out->out:in']);
  });

  it('finds nothing to do for an unchanged patch (moving a node on the canvas restarts nothing)', () => {
    const moved = doc({ ...base, nodes: base.nodes.map((n) => ({ ...n, x: n.x + 50 })) });
    const diff = diffGraphs(flatten(base), flatten(moved));
    expect(diff.added.length + diff.removed.length + diff.changed.length + diff.addedEdges.length + diff.removedEdges.length).toBe(0);
  });
});

describe('parameters', () => {
  const manifest: NodeManifest = {
    type: 't', name: 'T', category: 'generators', description: '', runtime: 'browser', inputs: [], outputs: [],
    params: [
      { id: 'f', name: 'F', kind: 'number', min: 20, max: 20000, default: 440, unit: 'Hz', scale: 'log' },
      { id: 'ch', name: 'Ch', kind: 'number', min: 1, max: 16, default: 1, unit: '', scale: 'linear', step: 1 },
      { id: 'w', name: 'W', kind: 'choice', options: ['sine', 'square'], default: 'sine' },
      { id: 'on', name: 'On', kind: 'toggle', default: true },
      { id: 'txt', name: 'Txt', kind: 'text', default: 'x', maxLength: 3 },
    ],
  };

  it('clamps numbers into range and onto their step', () => {
    expect(clampParam(manifest.params[0]!, 25000)).toBe(20000);
    expect(clampParam(manifest.params[0]!, 1)).toBe(20);
    expect(clampParam(manifest.params[0]!, Number.NaN)).toBe(440);
    expect(clampParam(manifest.params[1]!, 3.6)).toBe(4);
  });

  it('falls back to the default for wrong kinds and unknown choices, and truncates text', () => {
    expect(clampParam(manifest.params[2]!, 'saw')).toBe('sine');
    expect(clampParam(manifest.params[3]!, 'yes')).toBe(true);
    expect(clampParam(manifest.params[4]!, 'abcdef')).toBe('abc');
  });

  it('fills every parameter and drops unknown ones', () => {
    expect(resolveParams(manifest, { f: 100, bogus: 1 })).toEqual({ f: 100, ch: 1, w: 'sine', on: true, txt: 'x' });
  });
});
