// The audio player's waveform: reading /media/{id}/waveform.json, fitting its peaks to the canvas and turning a
// pointer position into a place in the track. Pure, covered by players.test.ts.

/** The server's waveform file: `{"durationSeconds": 12.34, "peaks": [0..1, ...]}`. */
export interface Waveform {
  durationSeconds: number;
  peaks: number[];
}

/** The waveform in a JSON body, or null when it is not one (the player then shows a plain progress bar). */
export function parseWaveform(body: unknown): Waveform | null {
  if (typeof body !== 'object' || body === null) {
    return null;
  }
  const { durationSeconds, peaks } = body as { durationSeconds?: unknown; peaks?: unknown };
  if (!Array.isArray(peaks) || peaks.length === 0 || !peaks.every((p) => typeof p === 'number')) {
    return null;
  }
  return {
    durationSeconds: typeof durationSeconds === 'number' && Number.isFinite(durationSeconds) && durationSeconds > 0 ? durationSeconds : NaN,
    peaks: peaks as number[],
  };
}

/** Bar width and gap in CSS pixels. */
export const BAR_WIDTH = 2;
export const BAR_GAP = 1;

/**
 * The bars drawn for `peaks` across `width` CSS pixels (as many as fit, `bar` wide with `gap` between), each as a
 * height from 0 to 1. A bar stands for the loudest peak in its stretch of the track, so short loud sounds survive
 * the squeeze; with fewer peaks than bars a peak spans several bars. Heights are scaled so the loudest bar is
 * full height (a quiet recording still shows its shape); peaks outside 0–1 are clamped.
 */
export function barHeights(peaks: readonly number[], width: number, bar = BAR_WIDTH, gap = BAR_GAP): number[] {
  const count = Number.isFinite(width) && width > 0 ? Math.floor((width + gap) / (bar + gap)) : 0;
  const heights = new Array<number>(count).fill(0);
  const n = peaks.length;
  if (count === 0 || n === 0) {
    return heights;
  }
  let loudest = 0;
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * n) / count);
    const end = Math.max(start + 1, Math.floor(((i + 1) * n) / count));
    let max = 0;
    for (let j = start; j < end; j++) {
      const p = peaks[j] ?? 0;
      const v = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
      if (v > max) {
        max = v;
      }
    }
    heights[i] = max;
    if (max > loudest) {
      loudest = max;
    }
  }
  return loudest > 0 ? heights.map((h) => h / loudest) : heights;
}

/** Where a pointer at `clientX` is along a track drawn from `left` over `width` pixels, from 0 to 1. */
export function seekFraction(clientX: number, left: number, width: number): number {
  if (!(width > 0) || !Number.isFinite(clientX)) {
    return 0;
  }
  return Math.min(1, Math.max(0, (clientX - left) / width));
}

/** How far through the track `current` is, from 0 to 1 (0 while the length is unknown). */
export function playedFraction(current: number, duration: number): number {
  if (!(duration > 0) || !Number.isFinite(duration) || !Number.isFinite(current)) {
    return 0;
  }
  return Math.min(1, Math.max(0, current / duration));
}
