import { describe, expect, it } from 'vitest';
import { highlight } from './highlight.ts';

describe('strudel highlighter', () => {
  it('marks functions, strings with mini-notation notes, rests and numbers, keeping every character', () => {
    const code = 'note("c4 ~ [e4 g4]*2").s(\'sawtooth\').lpf(800) // bright';
    const tokens = highlight(code);
    expect(tokens.map((t) => t.text).join('')).toBe(code);
    const kinds = (kind: string) => tokens.filter((t) => t.kind === kind).map((t) => t.text);
    expect(kinds('function')).toEqual(['note', 's', 'lpf']);
    expect(kinds('mini-note')).toEqual(['c4', 'e4', 'g4']);
    expect(kinds('mini-rest')).toEqual(['~']);
    expect(kinds('number')).toEqual(['2', '800']);
    expect(kinds('comment')).toEqual(['// bright']);
  });

  it('survives an unterminated string', () => {
    expect(highlight('note("c4').map((t) => t.text).join('')).toBe('note("c4');
  });
});
