// Control widgets' value mapping (embed player; perform mode may use it too): a slider position 0…1 ↔ a parameter
// value, logarithmic where the parameter's scale says so, honouring min, max and step.
import type { ParamSpec } from '../types';

type NumberSpec = Extract<ParamSpec, { kind: 'number' }>;

/** Log scales need a positive range; a range touching 0 falls back to linear. */
const isLog = (spec: NumberSpec): boolean => spec.scale === 'log' && spec.min > 0;

export function valueToPosition(spec: NumberSpec, value: number): number {
  const v = Math.min(spec.max, Math.max(spec.min, value));
  if (spec.max === spec.min) return 0;
  return isLog(spec) ? Math.log(v / spec.min) / Math.log(spec.max / spec.min) : (v - spec.min) / (spec.max - spec.min);
}

export function positionToValue(spec: NumberSpec, position: number): number {
  const p = Math.min(1, Math.max(0, position));
  let v = isLog(spec) ? spec.min * Math.pow(spec.max / spec.min, p) : spec.min + p * (spec.max - spec.min);
  if (spec.step !== undefined && spec.step > 0) v = spec.min + Math.round((v - spec.min) / spec.step) * spec.step;
  return Math.min(spec.max, Math.max(spec.min, v));
}

/** "440 Hz", "0.35", "2.5 s": a value with its unit, rounded for reading. */
export function formatValue(spec: NumberSpec, value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = spec.step !== undefined && spec.step >= 1 ? String(Math.round(value)) : trimZeros(value.toFixed(digits));
  return spec.unit === '' ? text : `${text} ${spec.unit}`;
}

/** "0.50" → "0.5", "2.00" → "2"; integers are left alone. */
function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
