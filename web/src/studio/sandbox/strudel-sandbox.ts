// Runs inside the sandboxed iframe served by GET /studio/strudel-sandbox (an opaque origin: no cookies, no storage,
// CSP default-src 'none', so nothing can be fetched either). The parent posts { id, type: 'query', code, from, to };
// this evaluates the Strudel code with Strudel's own packages and answers with plain hap data, or an error with
// the line it points at. Only the parent window is listened to.
import * as core from '@strudel/core';
import * as mini from '@strudel/mini';
import * as tonal from '@strudel/tonal';
import { evaluate } from '@strudel/transpiler';
import type { HapData } from '../runtime/haps';

interface Query {
  id: number;
  type: 'query';
  code: string;
  from: number;
  to: number;
}

interface PatternLike {
  queryArc(begin: number, end: number): HapLike[];
}

interface HapLike {
  whole?: { begin: { valueOf(): number }; end: { valueOf(): number } };
  hasOnset(): boolean;
  value: unknown;
}

/** Strudel's functions (note, s, n, stack, …) become globals of this document, as the Strudel REPL does. */
const scope = core.evalScope(core, mini, tonal);

let lastCode: string | undefined;
let lastResult: Promise<{ pattern: PatternLike } | { error: string; line?: number }> | undefined;

/** The 1-based line an error points at: acorn's syntax errors carry `loc`, others a position in the message. */
export function errorLine(error: unknown): number | undefined {
  const loc = (error as { loc?: { line?: unknown } } | null)?.loc;
  if (loc !== undefined && typeof loc.line === 'number') return loc.line;
  const match = /\((\d+):(\d+)\)/.exec(error instanceof Error ? error.message : '');
  return match === null ? undefined : Number(match[1]);
}

async function compile(code: string): Promise<{ pattern: PatternLike } | { error: string; line?: number }> {
  await scope;
  try {
    const result = (await evaluate(code)) as { pattern?: unknown };
    const pattern = result.pattern as Partial<PatternLike> | undefined;
    if (pattern === undefined || pattern === null || typeof pattern.queryArc !== 'function') {
      return { error: 'The code did not evaluate to a pattern (the last expression must be one, e.g. note("c4 e4 g4")).' };
    }
    return { pattern: pattern as PatternLike };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = errorLine(error);
    return line === undefined ? { error: message } : { error: message, line };
  }
}

function toMidi(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    try {
      const midi = core.noteToMidi(value) as unknown;
      return typeof midi === 'number' && Number.isFinite(midi) ? midi : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function toHap(hap: HapLike): HapData | undefined {
  if (hap.whole === undefined) return undefined; // continuous signals have no onset to play
  const begin = hap.whole.begin.valueOf();
  const end = hap.whole.end.valueOf();
  const value = hap.value;
  const data: HapData = { begin, end };
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    const note = toMidi(v['note'] ?? v['n']);
    if (note !== undefined) data.note = note;
    if (typeof v['freq'] === 'number') data.freq = v['freq'];
    if (typeof v['gain'] === 'number') data.gain = v['gain'];
    if (typeof v['velocity'] === 'number') data.velocity = v['velocity'];
  } else {
    const note = toMidi(value);
    if (note !== undefined) data.note = note;
  }
  return data;
}

async function answer(query: Query): Promise<Record<string, unknown>> {
  if (query.code !== lastCode || lastResult === undefined) {
    lastCode = query.code;
    lastResult = compile(query.code);
  }
  const compiled = await lastResult;
  if ('error' in compiled) return { id: query.id, error: compiled.error, ...(compiled.line === undefined ? {} : { line: compiled.line }) };
  try {
    const haps = compiled.pattern
      .queryArc(query.from, query.to)
      .filter((h) => h.hasOnset())
      .map(toHap)
      .filter((h): h is HapData => h !== undefined);
    return { id: query.id, haps };
  } catch (error) {
    return { id: query.id, error: error instanceof Error ? error.message : String(error) };
  }
}

if (typeof window !== 'undefined' && window.parent !== window) {
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window.parent) return;
    const query = event.data as Partial<Query>;
    if (query.type !== 'query' || typeof query.id !== 'number' || typeof query.code !== 'string'
      || typeof query.from !== 'number' || typeof query.to !== 'number' || !(query.to >= query.from)) {
      return;
    }
    void answer(query as Query).then((reply) => window.parent.postMessage(reply, '*'));
  });
  void scope.then(() => window.parent.postMessage({ type: 'ready' }, '*'));
}
