// Test data shared by the studio's tests: a few node types shaped like the core pack's, and a small patch.

import { buildRegistry } from './graph.ts';
import type { NodeManifest, PackManifest, PatchDocument } from './types.ts';

function node(type: string, category: string, inputs: [string, string][], outputs: [string, string][], params: NodeManifest['params'] = [], runtime: NodeManifest['runtime'] = 'browser'): NodeManifest {
  return {
    type,
    name: type.split('.')[1]!.replace(/^./, (c) => c.toUpperCase()),
    category,
    description: '',
    runtime,
    inputs: inputs.map(([id, t]) => ({ id, type: t as never, name: id })),
    outputs: outputs.map(([id, t]) => ({ id, type: t as never, name: id })),
    params,
  };
}

export const corePack: PackManifest = {
  id: 'core',
  name: 'Core',
  version: '1.0.0',
  description: '',
  moduleUrl: null,
  nodes: [
    node('core.oscillator', 'generators', [['frequency', 'control'], ['detune', 'control']], [['out', 'audio']], [
      { id: 'waveform', name: 'Waveform', kind: 'choice', options: ['sine', 'square'], default: 'sine' },
      { id: 'frequency', name: 'Frequency', kind: 'number', min: 20, max: 20000, default: 440, unit: 'Hz', scale: 'log' },
    ]),
    node('core.filter', 'processors', [['in', 'audio'], ['cutoff', 'control']], [['out', 'audio']], [
      { id: 'cutoff', name: 'Cutoff', kind: 'number', min: 20, max: 20000, default: 2000, unit: 'Hz', scale: 'log' },
    ]),
    node('core.gain', 'processors', [['in', 'audio'], ['gain', 'control']], [['out', 'audio']], [
      { id: 'gain', name: 'Gain', kind: 'number', min: 0, max: 2, default: 1, unit: '', scale: 'linear', step: 0.01 },
    ]),
    node('core.envelope', 'processors', [['in', 'audio'], ['gate', 'trigger']], [['out', 'audio']]),
    node('core.clock', 'generators', [], [['out', 'trigger']], [{ id: 'running', name: 'Running', kind: 'toggle', default: true }], 'both'),
    node('core.lfo', 'generators', [], [['out', 'control']]),
    node('core.logger', 'io', [['in', 'any']], [], [{ id: 'label', name: 'Label', kind: 'text', default: '', maxLength: 100 }], 'both'),
    node('core.compare', 'processors', [['a', 'control']], [['out', 'control']], [], 'server'),
    node('core.strudel', 'generators', [], [['out', 'audio']], [{ id: 'code', name: 'Code', kind: 'text', default: 'note("c4")', maxLength: 10000, multiline: true, language: 'strudel' }]),
    node('core.output', 'io', [['in', 'audio']], []),
  ],
};

export const registry = buildRegistry([corePack]);

/** oscillator → filter → gain → out, lfo → filter.cutoff. */
export function chain(): PatchDocument {
  return {
    format: 'atelier.patch',
    version: 1,
    nodes: [
      { id: 'osc', type: 'core.oscillator', x: 0, y: 0, params: { frequency: 440 } },
      { id: 'lfo', type: 'core.lfo', x: 0, y: 200 },
      { id: 'flt', type: 'core.filter', x: 240, y: 0, params: { cutoff: 2000 } },
      { id: 'amp', type: 'core.gain', x: 480, y: 10, params: { gain: 0.5 } },
      { id: 'out', type: 'core.output', x: 720, y: 0 },
    ],
    edges: [
      { id: 'e1', from: { node: 'osc', port: 'out' }, to: { node: 'flt', port: 'in' } },
      { id: 'e2', from: { node: 'flt', port: 'out' }, to: { node: 'amp', port: 'in' } },
      { id: 'e3', from: { node: 'amp', port: 'out' }, to: { node: 'out', port: 'in' } },
      { id: 'e4', from: { node: 'lfo', port: 'out' }, to: { node: 'flt', port: 'cutoff' } },
    ],
    modules: [],
    controls: [{ node: 'flt', param: 'cutoff', label: 'Brightness' }],
  };
}
