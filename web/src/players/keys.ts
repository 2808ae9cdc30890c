// Keyboard control of the audio player. Pure, covered by players.test.ts.

/** What a key asks the player to do. */
export type PlayerAction =
  | { kind: 'toggle' }
  | { kind: 'seekBy'; seconds: number }
  | { kind: 'seekTo'; to: 'start' | 'end' };

/** The keys of a keydown event that matter here. */
export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export const SMALL_STEP = 5;
export const LARGE_STEP = 30;

/**
 * Space/K play or pause; ←/→ (and ↓/↑, as on any slider) move 5 s, with Shift 30 s; PageDown/PageUp 30 s; Home and
 * End go to the start and the end. Keys held with Ctrl, Alt or Meta are left to the browser.
 */
export function keyAction(input: KeyInput): PlayerAction | null {
  if (input.ctrlKey === true || input.altKey === true || input.metaKey === true) {
    return null;
  }
  const step = input.shiftKey === true ? LARGE_STEP : SMALL_STEP;
  switch (input.key) {
    case ' ':
    case 'Spacebar':
    case 'k':
    case 'K':
      return { kind: 'toggle' };
    case 'ArrowLeft':
    case 'ArrowDown':
      return { kind: 'seekBy', seconds: -step };
    case 'ArrowRight':
    case 'ArrowUp':
      return { kind: 'seekBy', seconds: step };
    case 'PageDown':
      return { kind: 'seekBy', seconds: -LARGE_STEP };
    case 'PageUp':
      return { kind: 'seekBy', seconds: LARGE_STEP };
    case 'Home':
      return { kind: 'seekTo', to: 'start' };
    case 'End':
      return { kind: 'seekTo', to: 'end' };
    default:
      return null;
  }
}

/**
 * The position a seek action leads to, kept within the track; null when there is nowhere to go (the end of a track
 * whose length is not known yet, or a toggle).
 */
export function seekTarget(current: number, duration: number, action: PlayerAction): number | null {
  const known = Number.isFinite(duration) && duration > 0;
  const now = Number.isFinite(current) ? current : 0;
  switch (action.kind) {
    case 'seekBy': {
      const to = Math.max(0, now + action.seconds);
      return known ? Math.min(duration, to) : to;
    }
    case 'seekTo':
      return action.to === 'start' ? 0 : known ? duration : null;
    default:
      return null;
  }
}
