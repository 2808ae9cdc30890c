// Strudel ships JavaScript without type declarations; these name the few entry points the sandbox uses.
declare module '@strudel/core' {
  export function evalScope(...modules: unknown[]): Promise<unknown[]>;
  export function noteToMidi(note: string, defaultOctave?: number): number;
}
declare module '@strudel/mini';
declare module '@strudel/tonal';
declare module '@strudel/transpiler' {
  export function evaluate(code: string): Promise<{ mode: string; pattern: unknown; meta: unknown }>;
}
