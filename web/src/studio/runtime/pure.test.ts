import { describe, expect, it } from 'vitest';
import { CycleClock, hapsToEvents } from './haps';
import { applyMath, MATH_OPS } from './mathops';
import { keyToNote, midiToFrequency, parseNote, parseSteps } from './music';
import { beatsIn, changedEnough, describeMessage, distortionCurve, recordingMimeType, seededRandom } from './nodes/core';
import { encodeWavBytes } from './wav';

describe('encodeWavBytes', () => {
  it('writes a 16-bit PCM RIFF header and interleaved little-endian samples', () => {
    const left = new Float32Array([0, 1, -1, 0.5]);
    const right = new Float32Array([-0.5, 2, -2, 0]);
    const bytes = encodeWavBytes({ numberOfChannels: 2, sampleRate: 44100, length: 4, getChannelData: (c) => (c === 0 ? left : right) });
    const view = new DataView(bytes.buffer);
    const text = (o: number, n: number) => String.fromCharCode(...bytes.slice(o, o + n));
    expect(bytes.length).toBe(44 + 4 * 2 * 2);
    expect(text(0, 4)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(36 + 16);
    expect(text(8, 8)).toBe('WAVEfmt ');
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(24, true)).toBe(44100);
    expect(view.getUint32(28, true)).toBe(44100 * 4);
    expect(view.getUint16(32, true)).toBe(4);
    expect(view.getUint16(34, true)).toBe(16);
    expect(text(36, 4)).toBe('data');
    expect(view.getUint32(40, true)).toBe(16);
    const samples = Array.from({ length: 8 }, (_, i) => view.getInt16(44 + i * 2, true));
    // L0 R0 L1 R1 …; out-of-range values are clipped to full scale
    expect(samples).toEqual([0, -16384, 32767, 32767, -32768, -32768, 16384, 0]);
  });
});

describe('hapsToEvents', () => {
  it('places haps on the audio clock at the tempo, with pitch and level', () => {
    const clock = new CycleClock(10, 0, 0.5); // 2 s per cycle, starting at t = 10 s
    const haps = [
      { begin: 0, end: 1 / 3, note: 60 },
      { begin: 1 / 3, end: 2 / 3, note: 64, gain: 0.5 },
      { begin: 2 / 3, end: 1, freq: 440 },
      { begin: 1, end: 4 / 3, note: 60 }, // outside the window
      { begin: 0.5, end: 0.6 }, // no pitch
    ];
    const events = hapsToEvents(haps, clock, 0, 1);
    expect(events.map((e) => Math.round(e.note))).toEqual([60, 64, 69]);
    expect(events[0]!.time).toBeCloseTo(10);
    expect(events[1]!.time).toBeCloseTo(10 + 2 / 3);
    expect(events[1]!.duration).toBeCloseTo(2 / 3);
    expect(events[1]!.gain).toBe(0.5);
    expect(events[0]!.frequency).toBeCloseTo(261.63, 1);
  });

  it('keeps the pattern continuous when the tempo changes', () => {
    const clock = new CycleClock(0, 0, 1);
    clock.setCps(2, 4); // at 4 s we are at cycle 4
    expect(clock.cycleAt(4)).toBeCloseTo(4);
    expect(clock.timeAt(5)).toBeCloseTo(4.5);
  });
});

describe('applyMath', () => {
  it('computes every operation', () => {
    const results = Object.fromEntries(MATH_OPS.map((op) => [op, applyMath(op, 7, 2)]));
    expect(results).toEqual({ add: 9, subtract: 5, multiply: 14, divide: 3.5, min: 2, max: 7, power: 49, modulo: 1 });
  });

  it('never emits NaN or Infinity', () => {
    expect(applyMath('divide', 1, 0)).toBe(0);
    expect(applyMath('modulo', 1, 0)).toBe(0);
    expect(applyMath('power', -8, 0.5)).toBe(0);
    expect(applyMath('modulo', -1, 4)).toBe(3);
  });
});

describe('music helpers', () => {
  it('maps the computer keyboard to notes from C of the octave', () => {
    expect(keyToNote('KeyA', 4)).toBe(60);
    expect(keyToNote('KeyW', 4)).toBe(61);
    expect(keyToNote('KeyK', 4)).toBe(72);
    expect(keyToNote('KeyA', 2)).toBe(36);
    expect(keyToNote('KeyZ', 4)).toBeUndefined();
  });

  it('parses note names, numbers and rests in a step row', () => {
    expect(parseNote('c4')).toBe(60);
    expect(parseNote('f#3')).toBe(54);
    expect(parseNote('eb5')).toBe(75);
    expect(parseSteps('60 - c4 ~ bogus 62')).toEqual([60, null, 60, null, null, 62]);
    expect(midiToFrequency(69)).toBe(440);
  });
});

describe('node helpers', () => {
  it('spaces clock beats by the period and skips beats missed while stalled', () => {
    expect(beatsIn(0, 0.5, 0, 1.2)).toEqual({ beats: [0, 0.5, 1], next: 1.5 });
    expect(beatsIn(1.5, 0.5, 1.2, 2.4).beats).toEqual([1.5, 2]);
    expect(beatsIn(0, 0.5, 10.1, 10.6).beats).toEqual([10.5]);
  });

  it('makes a distortion curve that is odd, bounded and steeper with drive', () => {
    const soft = distortionCurve(0, 5);
    const hard = distortionCurve(50, 5);
    expect(Array.from(soft)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(hard[3]!).toBeGreaterThan(0.9);
    expect(hard[4]).toBeCloseTo(1);
  });

  it('generates the same reverb noise for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('prefers WebM/Opus for recordings', () => {
    expect(recordingMimeType(() => true)).toBe('audio/webm;codecs=opus');
    expect(recordingMimeType((t) => t === 'audio/ogg;codecs=opus')).toBe('audio/ogg;codecs=opus');
  });

  it('describes logged messages and notices changed values', () => {
    expect(describeMessage({ time: 1.5, kind: 'noteon', note: 60, velocity: 1 })).toBe('noteon 60 velocity 1 at 1.500 s');
    expect(describeMessage({ time: 2, duration: 0.1 })).toBe('trigger for 0.100 s at 2.000 s');
    expect(changedEnough(undefined, 0)).toBe(true);
    expect(changedEnough(1, 1.00001)).toBe(false);
    expect(changedEnough(1, 1.1)).toBe(true);
  });
});
