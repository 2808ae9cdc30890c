// Small pure helpers shared by note-producing nodes: pitch conversion, the computer keyboard's layout, step rows.

export function midiToFrequency(note: number): number {
  return 440 * 2 ** ((note - 69) / 12);
}

const NAMES: Record<string, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };

/** "c4" → 60, "f#3" → 54, "eb5" → 75, "61" → 61; undefined when it is neither a note name nor a number. */
export function parseNote(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const match = /^([a-gA-G])(#|s|b|f)*(-?\d+)?$/.exec(trimmed);
  if (match === null) return undefined;
  const base = NAMES[match[1]!.toLowerCase()]!;
  const accidentals = trimmed.slice(1).replace(/-?\d+$/, '');
  let shift = 0;
  for (const a of accidentals) shift += a === '#' || a === 's' ? 1 : -1;
  const octave = match[3] === undefined ? 3 : Number(match[3]);
  return (octave + 1) * 12 + base + shift;
}

/** A step row ("60 62 - c4 e4"): numbers or note names, '-' (or '~', '.') a rest. Unknown words are rests too. */
export function parseSteps(text: string): (number | null)[] {
  return text
    .split(/[\s,]+/)
    .filter((w) => w.length > 0)
    .map((w) => (w === '-' || w === '~' || w === '.' ? null : parseNote(w) ?? null));
}

// The usual tracker layout: the home row plays white keys, the row above the black ones, from C.
const KEY_OFFSETS: Record<string, number> = {
  KeyA: 0, KeyW: 1, KeyS: 2, KeyE: 3, KeyD: 4, KeyF: 5, KeyT: 6, KeyG: 7, KeyY: 8, KeyH: 9, KeyU: 10, KeyJ: 11, KeyK: 12,
  KeyO: 13, KeyL: 14, KeyP: 15, Semicolon: 16,
};

/** The MIDI note a key (KeyboardEvent.code, layout-independent) plays at `octave` (4 → A is C4 = 60). */
export function keyToNote(code: string, octave: number): number | undefined {
  const offset = KEY_OFFSETS[code];
  return offset === undefined ? undefined : (octave + 1) * 12 + offset;
}
