// The gallery lightbox's pure decisions: moving between images and reading a swipe. Covered by players.test.ts.

/** The image `delta` steps from `index` among `count`, wrapping around at either end (next after the last is the first). */
export function stepIndex(index: number, delta: number, count: number): number {
  if (count <= 0) {
    return 0;
  }
  return (((Math.trunc(index) + Math.trunc(delta)) % count) + count) % count;
}

/** `index` kept among `count` images (Home, End, and an index from the page that may be out of range). */
export function clampIndex(index: number, count: number): number {
  if (count <= 0 || !Number.isFinite(index)) {
    return 0;
  }
  return Math.min(count - 1, Math.max(0, Math.trunc(index)));
}

/** The counter shown in the lightbox: "3 / 12". */
export function counterText(index: number, count: number): string {
  return `${clampIndex(index, count) + 1} / ${Math.max(count, 0)}`;
}

export type Swipe = 'left' | 'right' | 'down';

/** A horizontal swipe must travel this far (px) ... */
export const SWIPE_MIN_X = 50;
/** ... and a swipe down this far, to count. */
export const SWIPE_MIN_DOWN = 80;
/** A short flick counts too when it is at least this far and this fast (px per ms). */
export const FLICK_MIN = 30;
export const FLICK_SPEED = 0.5;
/** The travel along the swipe must be this many times the travel across it (a diagonal drag is no swipe). */
export const SWIPE_DOMINANCE = 1.5;

/**
 * The swipe a pointer made from down to up, moving `dx`, `dy` pixels in `ms` milliseconds: left (next image),
 * right (previous), down (close), or null (a tap, a slow short drag, a diagonal, or upwards).
 */
export function detectSwipe(dx: number, dy: number, ms: number): Swipe | null {
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  const fast = (distance: number): boolean => ms > 0 && distance >= FLICK_MIN && distance / ms >= FLICK_SPEED;
  if (ax > ay * SWIPE_DOMINANCE && (ax >= SWIPE_MIN_X || fast(ax))) {
    return dx < 0 ? 'left' : 'right';
  }
  if (dy > 0 && ay > ax * SWIPE_DOMINANCE && (ay >= SWIPE_MIN_DOWN || fast(ay))) {
    return 'down';
  }
  return null;
}
