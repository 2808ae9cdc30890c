// The page side of scripts/runtime-check.mjs: renders patches with the real runtime and analyses the audio.
import { createRuntime, encodeWav, renderOffline } from '../src/studio/runtime/index';
import type { LogEntry, PackManifest, PatchDocument } from '../src/studio/types';

/** Goertzel power of `freq` over samples [from, to). */
function power(data: Float32Array, rate: number, freq: number, from: number, to: number): number {
  const k = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s = data[i]! + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - k * s1 * s2;
}

/** The strongest frequency in [lo, hi] Hz: a coarse scan then a 0.5 Hz refinement. */
function peak(data: Float32Array, rate: number, lo: number, hi: number, from = 0, to = data.length): number {
  let best = lo;
  let bestPower = -1;
  for (let f = lo; f <= hi; f += 5) {
    const p = power(data, rate, f, from, to);
    if (p > bestPower) [best, bestPower] = [f, p];
  }
  const center = best;
  for (let f = center - 5; f <= center + 5; f += 0.5) {
    const p = power(data, rate, f, from, to);
    if (p > bestPower) [best, bestPower] = [f, p];
  }
  return best;
}

function rms(data: Float32Array, from = 0, to = data.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += data[i]! * data[i]!;
  return Math.sqrt(sum / Math.max(1, to - from));
}

async function packs(): Promise<PackManifest[]> {
  const core = (await (await fetch('/__check/core-pack.json')).json()) as PackManifest & { module: null };
  const example = (await (await fetch('/studio/plugins/example/pack.json')).json()) as PackManifest;
  return [
    { ...core, moduleUrl: null, nodes: core.nodes.map((n) => ({ ...n, pack: 'core' })) },
    { ...example, moduleUrl: '/studio/plugins/example/nodes.js', nodes: example.nodes.map((n) => ({ ...n, pack: 'example' })) },
  ];
}

const n = (id: string, type: string, params: Record<string, number | string | boolean> = {}) => ({ id, type, x: 0, y: 0, params });
const e = (from: string, to: string, toPort = 'in', fromPort = 'out') => ({ id: `${from}-${to}-${toPort}`, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
const doc = (nodes: PatchDocument['nodes'], edges: PatchDocument['edges']): PatchDocument => ({ format: 'atelier.patch', version: 1, nodes, edges });

const chain = (gain: number): PatchDocument => doc(
  [n('osc', 'core.oscillator', { frequency: 440 }), n('flt', 'core.filter', { cutoff: 2000 }), n('amp', 'core.gain', { gain }), n('out', 'core.output', { volume: 1 })],
  [e('osc', 'flt'), e('flt', 'amp'), e('amp', 'out')],
);

const checks = {
  async oscillatorChain() {
    const all = await packs();
    const loud = await renderOffline(chain(0.5), all, 1);
    const quiet = await renderOffline(chain(0.25), all, 1);
    const data = loud.getChannelData(0);
    const wav = encodeWav(loud);
    return {
      sampleRate: loud.sampleRate,
      channels: loud.numberOfChannels,
      length: loud.length,
      peakHz: peak(data, loud.sampleRate, 50, 5000),
      rmsLoud: rms(data),
      rmsQuiet: rms(quiet.getChannelData(0)),
      wavBytes: wav.size,
    };
  },

  async strudel(code: string) {
    const logs: LogEntry[] = [];
    const buffer = await renderOffline(
      doc([n('s', 'core.strudel', { code, cps: 0.5, waveform: 'triangle', level: 0.8 }), n('out', 'core.output', { volume: 1 })], [e('s', 'out')]),
      await packs(), 2, (l) => logs.push(l));
    const data = buffer.getChannelData(0);
    const rate = buffer.sampleRate;
    // note("c4 e4 g4") at 0.5 cps: three notes of 2/3 s; analyse the middle of each.
    const third = (2 / 3) * rate;
    const notes = [0, 1, 2].map((i) => {
      const from = Math.round(i * third + 0.15 * rate);
      const to = Math.round((i + 1) * third - 0.15 * rate);
      const f = peak(data, rate, 100, 1000, from, to);
      return { hz: f, midi: Math.round(69 + 12 * Math.log2(f / 440)), rms: rms(data, from, to) };
    });
    return { notes, logs: logs.map((l) => `${l.level}: ${l.message}`) };
  },

  async strudelError() {
    const logs: LogEntry[] = [];
    const buffer = await renderOffline(
      doc([
        n('s', 'core.strudel', { code: 'note("c4 e4")\n  .fast(2\n  )).gain(' }),
        n('osc', 'core.oscillator', { frequency: 330 }),
        n('out', 'core.output', { volume: 1 }),
      ], [e('s', 'out'), e('osc', 'out')]),
      await packs(), 1, (l) => logs.push(l));
    const data = buffer.getChannelData(0);
    return { logs: logs.map((l) => `${l.level} ${l.node ?? ''}: ${l.message}`), peakHz: peak(data, buffer.sampleRate, 50, 2000), rms: rms(data) };
  },

  async everyNodeAndPlugins() {
    // A patch touching most node types, plus the example pack: renders without errors and is audible.
    const logs: LogEntry[] = [];
    const patch = doc([
      n('clk', 'core.clock', { bpm: 240 }),
      n('seq', 'core.sequencer', { steps: '60 64 67 72' }),
      n('osc', 'core.oscillator', { waveform: 'sawtooth' }),
      n('env', 'core.envelope', { attack: 0.005, decay: 0.05, sustain: 0.6, release: 0.05 }),
      n('noise', 'core.noise', { color: 'pink', level: 0.05 }),
      n('lfo', 'core.lfo', { rate: 2, depth: 500, offset: 1500 }),
      n('flt', 'core.filter'),
      n('math', 'core.math', { op: 'multiply', a: 0.5, b: 1 }),
      n('amp', 'core.gain'),
      n('dist', 'core.distortion', { drive: 5, mix: 0.3 }),
      n('crush', 'example.bitcrusher', { bits: 8, downsample: 2 }),
      n('dly', 'core.delay', { time: 0.1 }),
      n('rev', 'core.reverb', { decay: 0.5 }),
      n('cmp', 'core.compressor'),
      n('pan', 'core.panner', { pan: 0.3 }),
      n('mix', 'core.mixer'),
      n('rnd', 'example.random', { min: 0, max: 0.5 }),
      n('scope', 'core.oscilloscope'), n('spec', 'core.spectrum'), n('meter', 'core.meter'),
      n('log', 'core.logger', { label: 'beat' }),
      n('rec', 'core.recorder'), n('kbd', 'core.keyboard'), n('min', 'core.midi-in'), n('mout', 'core.midi-out'),
      n('const', 'core.constant', { value: 3 }), n('osc-out', 'core.osc-out'),
      n('out', 'core.output', { volume: 1 }),
    ], [
      e('clk', 'seq', 'clock'), e('seq', 'osc', 'frequency', 'frequency'), e('seq', 'env', 'gate', 'gate'), e('seq', 'mout', 'notes', 'notes'),
      e('osc', 'env'), e('env', 'flt'), e('lfo', 'flt', 'cutoff'), e('flt', 'amp'), e('math', 'amp', 'gain'),
      e('amp', 'dist'), e('dist', 'crush'), e('crush', 'dly'), e('dly', 'rev'), e('rev', 'cmp'), e('cmp', 'pan'), e('pan', 'mix', 'in1'),
      e('noise', 'mix', 'in2'), e('clk', 'rnd', 'trigger'), e('clk', 'log'), e('mix', 'out'), e('mix', 'scope'), e('mix', 'spec'), e('mix', 'meter'), e('mix', 'rec'),
    ]);
    const buffer = await renderOffline(patch, await packs(), 2, (l) => logs.push(l));
    const left = buffer.getChannelData(0);
    const right = buffer.getChannelData(1);
    return { rmsLeft: rms(left), rmsRight: rms(right), logs: logs.map((l) => `${l.level} ${l.node ?? ''}: ${l.message}`) };
  },

  async bitcrusherLevels() {
    const patch = doc([n('osc', 'core.oscillator', { frequency: 220 }), n('crush', 'example.bitcrusher', { bits: 3, downsample: 1 }), n('out', 'core.output', { volume: 1 })], [e('osc', 'crush'), e('crush', 'out')]);
    const buffer = await renderOffline(patch, await packs(), 0.5);
    const distinct = new Set(Array.from(buffer.getChannelData(0).slice(2000, 20000), (v) => v.toFixed(4)));
    return { distinctLevels: distinct.size };
  },

  async liveEdit() {
    // A running AudioContext: change the frequency, add a node, remove one — measured by a spectrum probe.
    const audio = new AudioContext();
    await audio.resume();
    const runtime = await createRuntime(audio, await packs());
    const base = (freq: number, extra = false): PatchDocument => doc(
      [n('osc', 'core.oscillator', { frequency: freq }), n('amp', 'core.gain', { gain: 0.5 }), n('spec', 'core.spectrum', { size: '8192' }), n('out', 'core.output', { volume: 0.01 }),
        ...(extra ? [n('osc2', 'core.oscillator', { frequency: 2000 })] : [])],
      [e('osc', 'amp'), e('amp', 'out'), e('amp', 'spec'), ...(extra ? [e('osc2', 'amp')] : [])],
    );
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const spectrumPeak = (): number => {
      const analyser = runtime.probe('spec')!.analyser!;
      const bins = new Float32Array(analyser.frequencyBinCount);
      analyser.getFloatFrequencyData(bins);
      let best = 0;
      for (let i = 1; i < bins.length; i++) if (bins[i]! > bins[best]!) best = i;
      return (best * audio.sampleRate) / analyser.fftSize;
    };
    const binLevel = (hz: number): number => {
      const analyser = runtime.probe('spec')!.analyser!;
      const bins = new Float32Array(analyser.frequencyBinCount);
      analyser.getFloatFrequencyData(bins);
      return bins[Math.round((hz * analyser.fftSize) / audio.sampleRate)]!;
    };
    const times: (number | string)[] = [];
    const logs: string[] = [];
    runtime.onLog((l) => logs.push(l.message));
    await runtime.update(base(440));
    // Smoothing mixes each reading with the previous one; the check wants each moment on its own.
    runtime.probe('spec')!.analyser!.smoothingTimeConstant = 0;
    await sleep(400);
    const first = spectrumPeak();
    times.push(binLevel(440));
    await runtime.update(base(880));
    await sleep(400);
    const second = spectrumPeak();
    await runtime.update(base(880, true));
    await sleep(400);
    const with2k = binLevel(2000);
    times.push(audio.currentTime, binLevel(880), (runtime as unknown as { runningNodes(): string[] }).runningNodes().join());
    await runtime.update(base(880));
    await sleep(400);
    const without2k = binLevel(2000);
    runtime.setParam('osc', 'frequency', 660);
    await sleep(400);
    const third = spectrumPeak();
    times.push(audio.currentTime);
    await runtime.dispose();
    await audio.close();
    return { first, second, third, with2k, without2k, times, logs, running: (runtime as unknown as { runningNodes(): string[] }).runningNodes() };
  },
};

(window as unknown as { checks: typeof checks }).checks = checks;
document.title = 'ready';
