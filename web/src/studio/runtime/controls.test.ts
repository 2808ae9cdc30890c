import { describe, expect, it } from 'vitest';
import { formatValue, positionToValue, valueToPosition } from './controls';

const freq = { id: 'f', name: 'F', kind: 'number' as const, min: 20, max: 20000, default: 440, unit: 'Hz', scale: 'log' as const };
const level = { id: 'l', name: 'L', kind: 'number' as const, min: 0, max: 1, default: 0.5, unit: '', scale: 'linear' as const };
const channel = { id: 'c', name: 'C', kind: 'number' as const, min: 1, max: 16, default: 1, unit: '', scale: 'linear' as const, step: 1 };

describe('control mapping', () => {
  it('maps log parameters so the middle of the slider is the geometric middle', () => {
    expect(positionToValue(freq, 0.5)).toBeCloseTo(Math.sqrt(20 * 20000));
    expect(valueToPosition(freq, 20000)).toBeCloseTo(1);
    expect(positionToValue(freq, valueToPosition(freq, 440))).toBeCloseTo(440);
  });

  it('maps linear parameters linearly, clamps and steps', () => {
    expect(positionToValue(level, 0.25)).toBe(0.25);
    expect(positionToValue(level, 7)).toBe(1);
    expect(valueToPosition(level, -3)).toBe(0);
    expect(positionToValue(channel, 0.5)).toBe(9);
  });

  it('formats values with their unit', () => {
    expect(formatValue(freq, 440)).toBe('440 Hz');
    expect(formatValue(level, 0.35)).toBe('0.35');
    expect(formatValue(channel, 3)).toBe('3');
  });
});
