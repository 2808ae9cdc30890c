// The math node's operations, shared by the AudioWorklet (audio rate) and the tests.

export type MathOp = 'add' | 'subtract' | 'multiply' | 'divide' | 'min' | 'max' | 'power' | 'modulo';

export const MATH_OPS: readonly MathOp[] = ['add', 'subtract', 'multiply', 'divide', 'min', 'max', 'power', 'modulo'];

/** One sample. Division and modulo by zero give 0 and NaN/Infinity are flushed to 0, so a patch never emits garbage into a speaker. */
export function applyMath(op: MathOp, a: number, b: number): number {
  let r: number;
  switch (op) {
    case 'add': r = a + b; break;
    case 'subtract': r = a - b; break;
    case 'multiply': r = a * b; break;
    case 'divide': r = b === 0 ? 0 : a / b; break;
    case 'min': r = Math.min(a, b); break;
    case 'max': r = Math.max(a, b); break;
    case 'power': r = Math.pow(a, b); break;
    // A modulo that stays positive for negative inputs (a phase wrap), like most patchers.
    case 'modulo': r = b === 0 ? 0 : ((a % b) + b) % b; break;
  }
  return Number.isFinite(r) ? r : 0;
}
