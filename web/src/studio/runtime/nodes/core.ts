// The built-in node types of the core pack, written against the same module API as plugins (runtime/api.ts).
import type { NodeProbe, ParamValue } from '../../types';
import { isMidi, type MidiMessage, type NodeContext, type NodeFactory, type NodeInstance, type NodeMessage, type TriggerMessage } from '../api';
import { ramp } from '../engine';
import { CycleClock, hapsToEvents } from '../haps';
import { keyToNote, midiToFrequency, parseSteps } from '../music';
import type { StrudelHost } from '../strudel-host';

export interface CoreServices {
  /** The runtime's Strudel sandbox (created on first use). */
  strudel(): StrudelHost;
  fetch: typeof fetch;
  /** URL of the core worklet bundle (noise, math). */
  workletUrl: string;
}

const num = (params: Readonly<Record<string, ParamValue>>, id: string): number => {
  const v = params[id];
  return typeof v === 'number' ? v : 0;
};
const str = (params: Readonly<Record<string, ParamValue>>, id: string): string => String(params[id] ?? '');

/** A stable pseudo-random sequence (mulberry32), so generated reverbs sound the same on every render. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The waveshaper's curve: a soft clipper whose knee sharpens with drive (0 = nearly linear). */
export function distortionCurve(drive: number, size = 2048): Float32Array<ArrayBuffer> {
  const curve = new Float32Array(size);
  const k = drive;
  for (let i = 0; i < size; i++) {
    const x = (i * 2) / (size - 1) - 1;
    curve[i] = ((1 + k) * x) / (1 + k * Math.abs(x));
  }
  return curve;
}

function impulseResponse(audio: BaseAudioContext, seconds: number): AudioBuffer {
  const length = Math.max(1, Math.floor(audio.sampleRate * seconds));
  const buffer = audio.createBuffer(2, length, audio.sampleRate);
  for (let c = 0; c < 2; c++) {
    const random = seededRandom(0x5eed + c);
    const data = buffer.getChannelData(c);
    for (let i = 0; i < length; i++) {
      // Exponential decay reaching -60 dB at `seconds`.
      data[i] = (random() * 2 - 1) * Math.pow(10, (-3 * i) / length);
    }
  }
  return buffer;
}

/** A dry/wet pair around a processor: in → dry → out and in → (processor) → wet → out. */
function dryWet(audio: BaseAudioContext, mix: number): { input: GainNode; dry: GainNode; wet: GainNode; output: GainNode } {
  const input = audio.createGain();
  const dry = audio.createGain();
  const wet = audio.createGain();
  const output = audio.createGain();
  dry.gain.value = 1 - mix;
  wet.gain.value = mix;
  input.connect(dry).connect(output);
  wet.connect(output);
  return { input, dry, wet, output };
}

function setMix(pair: { dry: GainNode; wet: GainNode }, mix: number, time: number): void {
  ramp(pair.dry.gain, 1 - mix, time);
  ramp(pair.wet.gain, mix, time);
}

/** An output whose value is set at message times (sequencer, keyboard, MIDI in, random). */
function steppedControl(audio: BaseAudioContext, initial: number): ConstantSourceNode {
  const source = audio.createConstantSource();
  source.offset.value = initial;
  source.start();
  return source;
}

/**
 * The ADSR envelope's scheduling on an AudioParam. `open` at `time`: attack to 1, decay to sustain; `close`: release
 * to 0. Scheduling cancels what lay after `time`, so a retrigger or an early note-off wins over an older plan.
 */
export class Adsr {
  constructor(
    private readonly param: AudioParam,
    public attack: number,
    public decay: number,
    public sustain: number,
    public release: number,
  ) {}

  open(time: number, peak = 1): void {
    hold(this.param, time);
    this.param.linearRampToValueAtTime(peak, time + this.attack);
    this.param.setTargetAtTime(peak * this.sustain, time + this.attack, this.decay / 3);
  }

  close(time: number): void {
    hold(this.param, time);
    this.param.setTargetAtTime(0, time, this.release / 3);
  }

  /** Follows a trigger: a gate (on/off), a note of known length, or a bare beat (attack, decay, then release). */
  trigger(message: TriggerMessage): void {
    if (message.on === false) {
      this.close(message.time);
      return;
    }
    const peak = message.value !== undefined && message.value > 0 && message.value <= 1 ? message.value : 1;
    this.open(message.time, peak);
    if (message.duration !== undefined) this.close(message.time + message.duration);
    else if (message.on === undefined) this.close(message.time + this.attack + this.decay);
  }
}

function hold(param: AudioParam, time: number): void {
  const p = param as AudioParam & { cancelAndHoldAtTime?: (t: number) => AudioParam };
  if (typeof p.cancelAndHoldAtTime === 'function') p.cancelAndHoldAtTime(time);
  else {
    param.cancelScheduledValues(time);
    param.setValueAtTime(param.value, time);
  }
}

/** Gate, frequency and MIDI outputs for note sources (keyboard, MIDI in). */
function noteOutputs(ctx: NodeContext): { frequency: ConstantSourceNode; noteOn(note: number, velocity: number, time: number): void; noteOff(note: number, time: number): void } {
  const frequency = steppedControl(ctx.audio, 0);
  const held = new Set<number>();
  return {
    frequency,
    noteOn(note, velocity, time) {
      held.add(note);
      frequency.offset.setValueAtTime(midiToFrequency(note), time);
      ctx.emit('gate', { time, on: true, value: velocity });
      ctx.emit('notes', { time, kind: 'noteon', note, velocity });
    },
    noteOff(note, time) {
      held.delete(note);
      ctx.emit('notes', { time, kind: 'noteoff', note, velocity: 0 });
      // Legato: the gate closes only when the last held key is released.
      if (held.size === 0) ctx.emit('gate', { time, on: false });
    },
  };
}

const oscillator: NodeFactory = (ctx) => {
  const osc = ctx.audio.createOscillator();
  osc.type = str(ctx.params, 'waveform') as OscillatorType;
  osc.frequency.value = num(ctx.params, 'frequency');
  osc.detune.value = num(ctx.params, 'detune');
  osc.start();
  return {
    outputs: { out: osc },
    inputs: { frequency: osc.frequency, detune: osc.detune },
    paramInputs: { frequency: osc.frequency, detune: osc.detune },
    setParam(id, value) {
      if (id === 'waveform') osc.type = value as OscillatorType;
    },
    dispose: () => osc.stop(),
  };
};

const noise = (services: CoreServices): NodeFactory => async (ctx) => {
  await ctx.addWorklet(services.workletUrl);
  const node = new AudioWorkletNode(ctx.audio, 'atelier-noise', { numberOfInputs: 0, outputChannelCount: [1] });
  node.port.postMessage({ color: str(ctx.params, 'color') });
  const level = ctx.audio.createGain();
  level.gain.value = num(ctx.params, 'level');
  node.connect(level);
  return {
    outputs: { out: level },
    paramInputs: {},
    setParam(id, value, time) {
      if (id === 'color') node.port.postMessage({ color: value });
      if (id === 'level') ramp(level.gain, Number(value), time);
    },
    dispose: () => node.disconnect(),
  };
};

const constant: NodeFactory = (ctx) => {
  const source = steppedControl(ctx.audio, num(ctx.params, 'value'));
  return {
    outputs: { out: source },
    setParam: (id, value, time) => id === 'value' && ramp(source.offset, Number(value), time),
    dispose: () => source.stop(),
  };
};

const lfo: NodeFactory = (ctx) => {
  const osc = ctx.audio.createOscillator();
  osc.type = str(ctx.params, 'waveform') as OscillatorType;
  osc.frequency.value = num(ctx.params, 'rate');
  const depth = ctx.audio.createGain();
  depth.gain.value = num(ctx.params, 'depth');
  const offset = steppedControl(ctx.audio, num(ctx.params, 'offset'));
  const out = ctx.audio.createGain();
  osc.connect(depth).connect(out);
  offset.connect(out);
  osc.start();
  return {
    outputs: { out },
    setParam(id, value, time) {
      if (id === 'waveform') osc.type = value as OscillatorType;
      if (id === 'rate') ramp(osc.frequency, Number(value), time);
      if (id === 'depth') ramp(depth.gain, Number(value), time);
      if (id === 'offset') ramp(offset.offset, Number(value), time);
    },
    dispose: () => {
      osc.stop();
      offset.stop();
    },
  };
};

/** Beat times in [from, to) given the next beat and the period; returns them and the following next beat. */
export function beatsIn(next: number, period: number, from: number, to: number): { beats: number[]; next: number } {
  const beats: number[] = [];
  let t = next;
  // A clock that fell behind (a stalled tab) skips the missed beats instead of firing them all at once.
  if (t < from) t = from + ((period - ((from - t) % period)) % period);
  for (; t < to; t += period) beats.push(t);
  return { beats, next: t };
}

const clock: NodeFactory = (ctx) => {
  let next: number | undefined;
  // The `beat` output counts the beats (0, 1, 2, …) as a control signal, stepping on each one (as on the server).
  const beat = steppedControl(ctx.audio, 0);
  let count = 0;
  let running = ctx.params['running'] === true;
  let period = 60 / num(ctx.params, 'bpm');
  ctx.onTick((from, to) => {
    if (!running) {
      next = undefined;
      return;
    }
    const result = beatsIn(next ?? from, period, from, to);
    next = result.next;
    for (const time of result.beats) {
      ctx.emit('out', { time });
      beat.offset.setValueAtTime(count++, time);
    }
  });
  return {
    outputs: { beat },
    dispose: () => beat.stop(),
    setParam(id, value) {
      // The beat already planned stays; the ones after it follow the new tempo.
      if (id === 'bpm') period = 60 / Number(value);
      if (id === 'running') running = value === true;
    },
  };
};

const sequencer: NodeFactory = (ctx) => {
  let steps = parseSteps(str(ctx.params, 'steps'));
  let gateLength = num(ctx.params, 'gateLength');
  let index = 0;
  const first = steps.find((s) => s !== null);
  const frequency = steppedControl(ctx.audio, first === undefined || first === null ? 0 : midiToFrequency(first));
  return {
    outputs: { frequency },
    receive(port, message) {
      if (port !== 'clock' || isMidi(message) || message.on === false || steps.length === 0) return;
      const step = steps[index % steps.length];
      index = (index + 1) % steps.length;
      if (step === null || step === undefined) return;
      frequency.offset.setValueAtTime(midiToFrequency(step), message.time);
      ctx.emit('gate', { time: message.time, duration: gateLength });
      ctx.emit('notes', { time: message.time, kind: 'noteon', note: step, velocity: 1 });
      ctx.emit('notes', { time: message.time + gateLength, kind: 'noteoff', note: step, velocity: 0 });
    },
    setParam(id, value) {
      if (id === 'steps') steps = parseSteps(String(value));
      if (id === 'gateLength') gateLength = Number(value);
    },
    command(name) {
      if (name === 'reset') index = 0;
    },
    dispose: () => frequency.stop(),
  };
};

const envelope: NodeFactory = (ctx) => {
  const vca = ctx.audio.createGain();
  vca.gain.value = 0;
  const adsr = new Adsr(vca.gain, num(ctx.params, 'attack'), num(ctx.params, 'decay'), num(ctx.params, 'sustain'), num(ctx.params, 'release'));
  return {
    inputs: { in: vca },
    outputs: { out: vca },
    receive(port, message) {
      if (port === 'gate' && !isMidi(message)) adsr.trigger(message);
    },
    setParam(id, value) {
      if (id === 'attack' || id === 'decay' || id === 'sustain' || id === 'release') adsr[id] = Number(value);
    },
  };
};

const filter: NodeFactory = (ctx) => {
  const biquad = ctx.audio.createBiquadFilter();
  biquad.type = str(ctx.params, 'type') as BiquadFilterType;
  biquad.frequency.value = num(ctx.params, 'cutoff');
  biquad.Q.value = num(ctx.params, 'q');
  biquad.gain.value = num(ctx.params, 'gain');
  return {
    inputs: { in: biquad, cutoff: biquad.frequency },
    outputs: { out: biquad },
    paramInputs: { cutoff: biquad.frequency },
    setParam(id, value, time) {
      if (id === 'type') biquad.type = value as BiquadFilterType;
      if (id === 'q') ramp(biquad.Q, Number(value), time);
      if (id === 'gain') ramp(biquad.gain, Number(value), time);
    },
  };
};

const gain: NodeFactory = (ctx) => {
  const node = ctx.audio.createGain();
  node.gain.value = num(ctx.params, 'gain');
  return { inputs: { in: node, gain: node.gain }, outputs: { out: node }, paramInputs: { gain: node.gain } };
};

const delay: NodeFactory = (ctx) => {
  const pair = dryWet(ctx.audio, num(ctx.params, 'mix'));
  const line = ctx.audio.createDelay(5);
  line.delayTime.value = num(ctx.params, 'time');
  const feedback = ctx.audio.createGain();
  feedback.gain.value = num(ctx.params, 'feedback');
  pair.input.connect(line);
  line.connect(feedback).connect(line);
  line.connect(pair.wet);
  return {
    inputs: { in: pair.input },
    outputs: { out: pair.output },
    setParam(id, value, time) {
      if (id === 'time') ramp(line.delayTime, Number(value), time);
      if (id === 'feedback') ramp(feedback.gain, Number(value), time);
      if (id === 'mix') setMix(pair, Number(value), time);
    },
    dispose: () => feedback.disconnect(),
  };
};

const reverb: NodeFactory = (ctx) => {
  const pair = dryWet(ctx.audio, num(ctx.params, 'mix'));
  const convolver = ctx.audio.createConvolver();
  convolver.buffer = impulseResponse(ctx.audio, num(ctx.params, 'decay'));
  pair.input.connect(convolver).connect(pair.wet);
  return {
    inputs: { in: pair.input },
    outputs: { out: pair.output },
    setParam(id, value, time) {
      if (id === 'decay') convolver.buffer = impulseResponse(ctx.audio, Number(value));
      if (id === 'mix') setMix(pair, Number(value), time);
    },
  };
};

const distortion: NodeFactory = (ctx) => {
  const pair = dryWet(ctx.audio, num(ctx.params, 'mix'));
  const shaper = ctx.audio.createWaveShaper();
  shaper.curve = distortionCurve(num(ctx.params, 'drive'));
  shaper.oversample = '4x';
  pair.input.connect(shaper).connect(pair.wet);
  return {
    inputs: { in: pair.input },
    outputs: { out: pair.output },
    setParam(id, value, time) {
      if (id === 'drive') shaper.curve = distortionCurve(Number(value));
      if (id === 'mix') setMix(pair, Number(value), time);
    },
  };
};

const compressor: NodeFactory = (ctx) => {
  const node = ctx.audio.createDynamicsCompressor();
  const params: Record<string, AudioParam> = { threshold: node.threshold, ratio: node.ratio, knee: node.knee, attack: node.attack, release: node.release };
  for (const [id, param] of Object.entries(params)) param.value = num(ctx.params, id);
  return {
    inputs: { in: node },
    outputs: { out: node },
    setParam(id, value, time) {
      const param = params[id];
      if (param !== undefined) ramp(param, Number(value), time);
    },
  };
};

const panner: NodeFactory = (ctx) => {
  const node = ctx.audio.createStereoPanner();
  node.pan.value = num(ctx.params, 'pan');
  return { inputs: { in: node, pan: node.pan }, outputs: { out: node }, paramInputs: { pan: node.pan } };
};

const mixer: NodeFactory = (ctx) => {
  const out = ctx.audio.createGain();
  const inputs: Record<string, GainNode> = {};
  const levels: Record<string, GainNode> = {};
  for (let i = 1; i <= 4; i++) {
    const channel = ctx.audio.createGain();
    channel.gain.value = num(ctx.params, `level${i}`);
    channel.connect(out);
    inputs[`in${i}`] = channel;
    levels[`level${i}`] = channel;
  }
  return {
    inputs,
    outputs: { out },
    setParam(id, value, time) {
      const channel = levels[id];
      if (channel !== undefined) ramp(channel.gain, Number(value), time);
    },
  };
};

const math = (services: CoreServices): NodeFactory => async (ctx) => {
  await ctx.addWorklet(services.workletUrl);
  const node = new AudioWorkletNode(ctx.audio, 'atelier-math', {
    numberOfInputs: 0,
    outputChannelCount: [1],
    parameterData: { a: num(ctx.params, 'a'), b: num(ctx.params, 'b') },
  });
  node.port.postMessage({ op: str(ctx.params, 'op') });
  const a = node.parameters.get('a')!;
  const b = node.parameters.get('b')!;
  return {
    inputs: { a, b },
    outputs: { out: node },
    paramInputs: { a, b },
    setParam(id, value) {
      if (id === 'op') node.port.postMessage({ op: value });
    },
  };
};

const analyserNode = (fftSize: (ctx: NodeContext) => number): NodeFactory => (ctx) => {
  const analyser = ctx.audio.createAnalyser();
  analyser.fftSize = fftSize(ctx);
  const probe: NodeProbe = { analyser };
  return {
    inputs: { in: analyser },
    probe: () => probe,
    setParam(id, value) {
      if (id === 'size') analyser.fftSize = Number(value);
    },
  };
};

const output: NodeFactory = (ctx) => {
  const volume = ctx.audio.createGain();
  volume.gain.value = num(ctx.params, 'volume');
  volume.connect(ctx.master);
  return {
    inputs: { in: volume },
    setParam: (id, value, time) => id === 'volume' && ramp(volume.gain, Number(value), time),
    dispose: () => volume.disconnect(),
  };
};

/** The best audio type this browser records: WebM/Opus where it can (Chromium, Firefox). */
export function recordingMimeType(isSupported: (type: string) => boolean): string {
  return ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus'].find(isSupported) ?? '';
}

const recorder: NodeFactory = (ctx) => {
  const input = ctx.audio.createGain();
  if (ctx.offline || !(ctx.audio instanceof AudioContext) || typeof MediaRecorder === 'undefined') {
    return {
      inputs: { in: input },
      command: () => ctx.log('warn', 'The recorder records live playback only (use the offline render for a WAV).'),
    };
  }
  const destination = ctx.audio.createMediaStreamDestination();
  input.connect(destination);
  let media: MediaRecorder | undefined;
  return {
    inputs: { in: input },
    command(name) {
      if (name === 'start' && media === undefined) {
        const chunks: Blob[] = [];
        const mimeType = recordingMimeType((t) => MediaRecorder.isTypeSupported(t));
        const current = new MediaRecorder(destination.stream, mimeType === '' ? {} : { mimeType });
        media = current;
        current.ondataavailable = (e) => chunks.push(e.data);
        current.onstop = () => ctx.recording(new Blob(chunks, { type: current.mimeType || 'audio/webm' }));
        current.start(1000);
        ctx.log('info', 'Recording…');
      } else if (name === 'stop' && media !== undefined) {
        media.stop();
        media = undefined;
        ctx.log('info', 'Recording stopped.');
      }
    },
    dispose: () => media?.stop(),
  };
};

async function midiAccess(ctx: NodeContext): Promise<MIDIAccess | undefined> {
  const nav = globalThis.navigator as (Omit<Navigator, 'requestMIDIAccess'> & { requestMIDIAccess?: () => Promise<MIDIAccess> }) | undefined;
  if (ctx.offline || nav?.requestMIDIAccess === undefined) {
    ctx.log('warn', ctx.offline ? 'MIDI devices are not used in offline renders.' : 'Web MIDI is not available in this browser.');
    return undefined;
  }
  try {
    return await nav.requestMIDIAccess();
  } catch (error) {
    ctx.log('warn', `MIDI access was refused: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

const deviceMatches = (name: string | null | undefined, wanted: string): boolean =>
  wanted === '' || (name ?? '').toLowerCase().includes(wanted.toLowerCase());

const midiIn: NodeFactory = async (ctx) => {
  const notes = noteOutputs(ctx);
  let device = str(ctx.params, 'device');
  let channel = num(ctx.params, 'channel');
  const access = await midiAccess(ctx);
  const attached: MIDIInput[] = [];
  const attach = (): void => {
    for (const port of attached) port.onmidimessage = null;
    attached.length = 0;
    for (const port of access?.inputs.values() ?? []) {
      if (!deviceMatches(port.name, device)) continue;
      port.onmidimessage = (e) => {
        const [status = 0, note = 0, velocity = 0] = e.data ?? [];
        const kind = status & 0xf0;
        if (channel !== 0 && (status & 0x0f) + 1 !== channel) return;
        const time = ctx.audio.currentTime;
        if (kind === 0x90 && velocity > 0) notes.noteOn(note, velocity / 127, time);
        else if (kind === 0x80 || (kind === 0x90 && velocity === 0)) notes.noteOff(note, time);
      };
      attached.push(port);
    }
  };
  attach();
  return {
    outputs: { frequency: notes.frequency },
    setParam(id, value) {
      if (id === 'device') device = String(value);
      if (id === 'channel') channel = Number(value);
      attach();
    },
    dispose() {
      for (const port of attached) port.onmidimessage = null;
      notes.frequency.stop();
    },
  };
};

const midiOut: NodeFactory = async (ctx) => {
  let device = str(ctx.params, 'device');
  let channel = num(ctx.params, 'channel');
  const access = await midiAccess(ctx);
  return {
    receive(port, message) {
      if (port !== 'notes' || !isMidi(message) || access === undefined) return;
      const status = (message.kind === 'noteon' ? 0x90 : 0x80) | ((channel - 1) & 0x0f);
      const data = [status, Math.max(0, Math.min(127, Math.round(message.note))), Math.round(message.velocity * 127)];
      // Audio time → the performance clock Web MIDI schedules on.
      const at = performance.now() + Math.max(0, message.time - ctx.audio.currentTime) * 1000;
      for (const out of access.outputs.values()) {
        if (deviceMatches(out.name, device)) out.send(data, at);
      }
    },
    setParam(id, value) {
      if (id === 'device') device = String(value);
      if (id === 'channel') channel = Number(value);
    },
  };
};

/** Typing in a field must not play notes. */
function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (element === null || typeof element.tagName !== 'string') return false;
  return element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName);
}

const keyboard: NodeFactory = (ctx) => {
  const notes = noteOutputs(ctx);
  let octave = num(ctx.params, 'octave');
  const down = new Map<string, number>();
  const noteOn = (note: number): void => notes.noteOn(note, 0.8, ctx.audio.currentTime);
  const noteOff = (note: number): void => notes.noteOff(note, ctx.audio.currentTime);
  const onDown = (e: KeyboardEvent): void => {
    if (e.repeat || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || down.has(e.code)) return;
    const note = keyToNote(e.code, octave);
    if (note === undefined) return;
    down.set(e.code, note);
    noteOn(note);
  };
  const onUp = (e: KeyboardEvent): void => {
    const note = down.get(e.code);
    if (note === undefined) return;
    down.delete(e.code);
    noteOff(note);
  };
  const live = !ctx.offline && typeof window !== 'undefined';
  if (live) {
    window.addEventListener('keydown', onDown);
    window.addEventListener('keyup', onUp);
  }
  return {
    outputs: { frequency: notes.frequency },
    setParam: (id, value) => id === 'octave' && (octave = Number(value)),
    command(name, arg) {
      if (typeof arg !== 'number' || !Number.isFinite(arg)) return;
      if (name === 'noteOn') noteOn(arg);
      if (name === 'noteOff') noteOff(arg);
    },
    dispose() {
      if (live) {
        window.removeEventListener('keydown', onDown);
        window.removeEventListener('keyup', onUp);
      }
      notes.frequency.stop();
    },
  };
};

/** How the logger writes a message it received. */
export function describeMessage(message: NodeMessage): string {
  if (isMidi(message)) return `${message.kind} ${Math.round(message.note * 100) / 100} velocity ${Math.round(message.velocity * 100) / 100} at ${message.time.toFixed(3)} s`;
  const parts = [message.on === false ? 'gate off' : message.on === true ? 'gate on' : 'trigger'];
  if (message.value !== undefined) parts.push(`value ${message.value}`);
  if (message.duration !== undefined) parts.push(`for ${message.duration.toFixed(3)} s`);
  return `${parts.join(' ')} at ${message.time.toFixed(3)} s`;
}

/** Logger sampling: a control value is logged when it moved by more than this (relative) amount. */
export function changedEnough(previous: number | undefined, next: number): boolean {
  if (previous === undefined) return true;
  return Math.abs(next - previous) > 1e-4 * Math.max(1, Math.abs(previous));
}

const logger: NodeFactory = (ctx) => {
  const analyser = ctx.audio.createAnalyser();
  analyser.fftSize = 32;
  let label = str(ctx.params, 'label');
  const prefix = (): string => (label === '' ? '' : `${label}: `);
  let last: number | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (!ctx.offline) {
    const samples = new Float32Array(analyser.fftSize);
    timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      const value = samples[samples.length - 1] ?? 0;
      if (changedEnough(last, value)) {
        last = value;
        ctx.log('info', `${prefix()}${Math.round(value * 10000) / 10000}`);
      }
    }, 250);
  }
  return {
    inputs: { in: analyser },
    receive: (_port, message) => ctx.log('info', prefix() + describeMessage(message)),
    setParam: (id, value) => id === 'label' && (label = String(value)),
    dispose: () => clearInterval(timer),
  };
};

const sampler = (services: CoreServices): NodeFactory => async (ctx) => {
  const level = ctx.audio.createGain();
  level.gain.value = num(ctx.params, 'level');
  let rate = num(ctx.params, 'rate');
  let loop = ctx.params['loop'] === true;
  let buffer: AudioBuffer | undefined;
  let looping: AudioBufferSourceNode | undefined;
  const playing = new Set<AudioBufferSourceNode>();

  const load = async (mediaId: string): Promise<void> => {
    buffer = undefined;
    if (mediaId === '') return;
    if (!/^[0-9a-fA-F-]{36}$/.test(mediaId)) {
      ctx.log('warn', `'${mediaId}' is not a media id.`);
      return;
    }
    try {
      const info = await services.fetch(`/api/v1/media/${mediaId}`, { headers: { Accept: 'application/json' } });
      if (!info.ok) throw new Error(`the media library answered ${info.status}`);
      const { url } = (await info.json()) as { url?: string };
      if (typeof url !== 'string') throw new Error('the media item has no file');
      const file = await services.fetch(url);
      if (!file.ok) throw new Error(`the file answered ${file.status}`);
      buffer = await ctx.audio.decodeAudioData(await file.arrayBuffer());
    } catch (error) {
      ctx.log('error', `The sample could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const play = (time: number, looped: boolean): AudioBufferSourceNode | undefined => {
    if (buffer === undefined) return undefined;
    const source = ctx.audio.createBufferSource();
    source.buffer = buffer;
    source.loop = looped;
    source.playbackRate.value = rate;
    source.connect(level);
    source.onended = () => playing.delete(source);
    source.start(time);
    playing.add(source);
    return source;
  };

  const updateLoop = (): void => {
    looping?.stop();
    looping = loop ? play(ctx.audio.currentTime, true) : undefined;
  };

  await load(str(ctx.params, 'media'));
  updateLoop();
  return {
    outputs: { out: level },
    receive(port, message) {
      if (port === 'trigger' && !isMidi(message) && message.on !== false) play(message.time, false);
    },
    setParam(id, value, time) {
      if (id === 'level') ramp(level.gain, Number(value), time);
      if (id === 'rate') {
        rate = Number(value);
        for (const source of playing) ramp(source.playbackRate, rate, time);
      }
      if (id === 'loop') {
        loop = value === true;
        updateLoop();
      }
      if (id === 'media') void load(String(value)).then(updateLoop);
    },
    command(name) {
      if (name === 'trigger') play(ctx.audio.currentTime, false);
    },
    dispose() {
      for (const source of playing) source.stop();
    },
  };
};

/** The Strudel node: queries its pattern ahead of the clock and plays each note through a small voice. */
const strudel = (services: CoreServices): NodeFactory => (ctx) => {
  const out = ctx.audio.createGain();
  out.gain.value = num(ctx.params, 'level');
  let code = str(ctx.params, 'code');
  let waveform = str(ctx.params, 'waveform') as OscillatorType;
  let release = num(ctx.params, 'release');
  let clock: CycleClock | undefined;
  let cps = num(ctx.params, 'cps');
  let failedCode: string | undefined;
  const host = services.strudel();

  const voice = (time: number, duration: number, frequency: number, level: number): void => {
    const osc = ctx.audio.createOscillator();
    osc.type = waveform;
    osc.frequency.value = frequency;
    const env = ctx.audio.createGain();
    env.gain.value = 0;
    const attack = Math.min(0.005, duration / 2);
    env.gain.setValueAtTime(0, time);
    env.gain.linearRampToValueAtTime(level, time + attack);
    env.gain.setValueAtTime(level, time + Math.max(attack, duration));
    env.gain.setTargetAtTime(0, time + Math.max(attack, duration), release / 3);
    osc.connect(env).connect(out);
    osc.start(time);
    osc.stop(time + Math.max(attack, duration) + release * 2);
    osc.onended = () => env.disconnect();
  };

  ctx.onTick(async (from, to) => {
    clock ??= new CycleClock(from, 0, cps);
    const query = { code, from: clock.cycleAt(from), to: clock.cycleAt(to) };
    const answer = await host.query(query);
    if (!answer.ok) {
      // Logged once per version of the code; the node stays silent and the rest of the graph plays on.
      if (failedCode !== query.code) {
        failedCode = query.code;
        ctx.log('error', answer.line === undefined ? `Strudel: ${answer.error}` : `Strudel, line ${answer.line}: ${answer.error}`);
      }
      return;
    }
    failedCode = undefined;
    for (const event of hapsToEvents(answer.haps, clock, query.from, query.to)) {
      if (event.time < ctx.audio.currentTime) continue; // the answer came too late for this one
      voice(event.time, event.duration, event.frequency, event.gain);
      const note: MidiMessage = { time: event.time, kind: 'noteon', note: event.note, velocity: event.gain };
      ctx.emit('notes', note);
      ctx.emit('notes', { ...note, time: event.time + event.duration, kind: 'noteoff', velocity: 0 });
    }
  });

  return {
    outputs: { out },
    setParam(id, value, time) {
      if (id === 'code') code = String(value);
      if (id === 'waveform') waveform = value as OscillatorType;
      if (id === 'release') release = Number(value);
      if (id === 'level') ramp(out.gain, Number(value), time);
      if (id === 'cps') {
        cps = Number(value);
        clock?.setCps(cps, time);
      }
    },
  };
};

/** The core pack's node implementations (the same module shape a plugin exports). */
export function createCoreNodes(services: CoreServices): Record<string, NodeFactory> {
  const analyserSize = (ctx: NodeContext): number => Number(ctx.params['size'] ?? 2048);
  return {
    'core.oscillator': oscillator,
    'core.noise': noise(services),
    'core.strudel': strudel(services),
    'core.sampler': sampler(services),
    'core.constant': constant,
    'core.lfo': lfo,
    'core.clock': clock,
    'core.sequencer': sequencer,
    'core.envelope': envelope,
    'core.filter': filter,
    'core.gain': gain,
    'core.delay': delay,
    'core.reverb': reverb,
    'core.distortion': distortion,
    'core.compressor': compressor,
    'core.panner': panner,
    'core.mixer': mixer,
    'core.math': math(services),
    'core.oscilloscope': analyserNode(() => 2048),
    'core.spectrum': analyserNode(analyserSize),
    'core.meter': analyserNode(() => 1024),
    'core.output': output,
    'core.recorder': recorder,
    'core.midi-in': midiIn,
    'core.midi-out': midiOut,
    'core.keyboard': keyboard,
    'core.logger': logger,
  } satisfies Record<string, NodeFactory>;
}

export type { NodeInstance };
