import { describe, expect, it } from 'vitest';
import { ExclusivePlayback } from './exclusive.ts';
import { keyAction, LARGE_STEP, seekTarget, SMALL_STEP } from './keys.ts';
import { clampIndex, counterText, detectSwipe, stepIndex } from './lightbox.ts';
import { PLAYER_SELECTOR, PLAYER_TAGS } from './selector.ts';
import { formatTime, timeText } from './time.ts';
import { barHeights, parseWaveform, playedFraction, seekFraction } from './waveform.ts';

describe('formatTime', () => {
  it('shows minutes and two-digit seconds', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(7.9)).toBe('0:07');
    expect(formatTime(65)).toBe('1:05');
    expect(formatTime(200)).toBe('3:20');
    expect(formatTime(59 * 60 + 59)).toBe('59:59');
  });

  it('adds hours from an hour on', () => {
    expect(formatTime(3600)).toBe('1:00:00');
    expect(formatTime(3723)).toBe('1:02:03');
  });

  it('shows an unknown or negative time as 0:00', () => {
    expect(formatTime(NaN)).toBe('0:00');
    expect(formatTime(Infinity)).toBe('0:00');
    expect(formatTime(-3)).toBe('0:00');
  });

  it('reads the position against the length for the slider', () => {
    expect(timeText(65, 200)).toBe('1:05 of 3:20');
    expect(timeText(65, NaN)).toBe('1:05');
  });
});

describe('parseWaveform', () => {
  it('reads the server file', () => {
    expect(parseWaveform({ durationSeconds: 12.34, peaks: [0, 0.5, 1] })).toEqual({ durationSeconds: 12.34, peaks: [0, 0.5, 1] });
  });

  it('keeps the peaks when the duration is missing', () => {
    expect(parseWaveform({ peaks: [0.2] })?.durationSeconds).toBeNaN();
  });

  it('refuses what is not a waveform', () => {
    expect(parseWaveform(null)).toBeNull();
    expect(parseWaveform('peaks')).toBeNull();
    expect(parseWaveform({ durationSeconds: 3, peaks: [] })).toBeNull();
    expect(parseWaveform({ durationSeconds: 3, peaks: [0.1, '0.2'] })).toBeNull();
  });
});

describe('barHeights', () => {
  it('fits as many bars as the width holds (2px bars, 1px gaps)', () => {
    expect(barHeights([1], 300)).toHaveLength(100);
    expect(barHeights([1], 2)).toHaveLength(1);
    expect(barHeights([1], 1)).toHaveLength(0);
    expect(barHeights([1], 0)).toHaveLength(0);
  });

  it('gives each bar the loudest peak of its stretch', () => {
    // 8 peaks over 4 bars: two peaks per bar.
    expect(barHeights([0.1, 1, 0.2, 0.3, 0.5, 0, 0, 0.25], 12)).toEqual([1, 0.3, 0.5, 0.25]);
  });

  it('spreads few peaks over many bars', () => {
    expect(barHeights([0.5, 1], 12)).toEqual([0.5, 0.5, 1, 1]);
  });

  it('scales a quiet recording so its loudest bar is full height', () => {
    expect(barHeights([0.1, 0.2], 6)).toEqual([0.5, 1]);
  });

  it('clamps peaks outside 0–1 and survives silence and junk', () => {
    expect(barHeights([2, -1, NaN, 0.5], 12)).toEqual([1, 0, 0, 0.5]);
    expect(barHeights([0, 0, 0], 9)).toEqual([0, 0, 0]);
    expect(barHeights([], 9)).toEqual([0, 0, 0]);
  });
});

describe('seekFraction', () => {
  it('turns a pointer position into a place along the track', () => {
    expect(seekFraction(150, 100, 200)).toBe(0.25);
    expect(seekFraction(300, 100, 200)).toBe(1);
  });

  it('clamps pointers beyond either end (a drag past the edge)', () => {
    expect(seekFraction(20, 100, 200)).toBe(0);
    expect(seekFraction(900, 100, 200)).toBe(1);
  });

  it('is 0 on a track with no width', () => {
    expect(seekFraction(150, 100, 0)).toBe(0);
  });

  it('says how much has been played', () => {
    expect(playedFraction(30, 120)).toBe(0.25);
    expect(playedFraction(30, NaN)).toBe(0);
    expect(playedFraction(200, 120)).toBe(1);
  });
});

describe('keyAction', () => {
  it('plays and pauses with Space and K', () => {
    expect(keyAction({ key: ' ' })).toEqual({ kind: 'toggle' });
    expect(keyAction({ key: 'k' })).toEqual({ kind: 'toggle' });
    expect(keyAction({ key: 'K', shiftKey: true })).toEqual({ kind: 'toggle' });
  });

  it('moves 5 s with the arrows and 30 s with Shift or Page keys', () => {
    expect(keyAction({ key: 'ArrowRight' })).toEqual({ kind: 'seekBy', seconds: SMALL_STEP });
    expect(keyAction({ key: 'ArrowLeft' })).toEqual({ kind: 'seekBy', seconds: -SMALL_STEP });
    expect(keyAction({ key: 'ArrowRight', shiftKey: true })).toEqual({ kind: 'seekBy', seconds: LARGE_STEP });
    expect(keyAction({ key: 'ArrowLeft', shiftKey: true })).toEqual({ kind: 'seekBy', seconds: -LARGE_STEP });
    expect(keyAction({ key: 'PageUp' })).toEqual({ kind: 'seekBy', seconds: 30 });
    expect(keyAction({ key: 'PageDown' })).toEqual({ kind: 'seekBy', seconds: -30 });
    expect(keyAction({ key: 'ArrowUp' })).toEqual({ kind: 'seekBy', seconds: 5 });
  });

  it('goes to the start and the end with Home and End', () => {
    expect(keyAction({ key: 'Home' })).toEqual({ kind: 'seekTo', to: 'start' });
    expect(keyAction({ key: 'End' })).toEqual({ kind: 'seekTo', to: 'end' });
  });

  it('leaves other keys and browser shortcuts alone', () => {
    expect(keyAction({ key: 'a' })).toBeNull();
    expect(keyAction({ key: 'Tab' })).toBeNull();
    expect(keyAction({ key: 'ArrowLeft', altKey: true })).toBeNull();
    expect(keyAction({ key: 'k', ctrlKey: true })).toBeNull();
    expect(keyAction({ key: 'ArrowRight', metaKey: true })).toBeNull();
  });
});

describe('seekTarget', () => {
  it('moves within the track', () => {
    expect(seekTarget(10, 100, { kind: 'seekBy', seconds: 5 })).toBe(15);
    expect(seekTarget(3, 100, { kind: 'seekBy', seconds: -5 })).toBe(0);
    expect(seekTarget(98, 100, { kind: 'seekBy', seconds: 30 })).toBe(100);
    expect(seekTarget(50, 100, { kind: 'seekTo', to: 'start' })).toBe(0);
    expect(seekTarget(50, 100, { kind: 'seekTo', to: 'end' })).toBe(100);
  });

  it('moves forward but finds no end while the length is unknown', () => {
    expect(seekTarget(0, NaN, { kind: 'seekBy', seconds: 5 })).toBe(5);
    expect(seekTarget(0, NaN, { kind: 'seekTo', to: 'end' })).toBeNull();
  });

  it('does not seek on a toggle', () => {
    expect(seekTarget(10, 100, { kind: 'toggle' })).toBeNull();
  });
});

class FakeMedia extends EventTarget {
  paused = true;
  pauses = 0;
  play(): void {
    this.paused = false;
    this.dispatchEvent(new Event('play'));
  }
  pause(): void {
    this.paused = true;
    this.pauses++;
  }
}

describe('ExclusivePlayback', () => {
  it('pauses the others when one starts', () => {
    const group = new ExclusivePlayback();
    const [a, b, c] = [new FakeMedia(), new FakeMedia(), new FakeMedia()];
    group.add(a);
    group.add(b);
    group.add(c);
    a.play();
    b.play();
    expect(a.paused).toBe(true);
    expect(b.paused).toBe(false);
    expect(c.pauses).toBe(0); // already paused: left alone
    c.play();
    expect(b.paused).toBe(true);
    expect(c.paused).toBe(false);
  });

  it('forgets players taken out, and counts one added twice once', () => {
    const group = new ExclusivePlayback();
    const [a, b] = [new FakeMedia(), new FakeMedia()];
    group.add(a);
    group.add(a);
    group.add(b);
    expect(group.size).toBe(2);
    group.remove(b);
    a.play();
    b.play();
    expect(a.paused).toBe(false);
    expect(group.size).toBe(1);
  });
});

describe('lightbox index', () => {
  it('wraps around at either end', () => {
    expect(stepIndex(11, 1, 12)).toBe(0);
    expect(stepIndex(0, -1, 12)).toBe(11);
    expect(stepIndex(4, 1, 12)).toBe(5);
    expect(stepIndex(0, 1, 1)).toBe(0);
    expect(stepIndex(0, 1, 0)).toBe(0);
  });

  it('clamps Home, End and indexes out of range', () => {
    expect(clampIndex(-1, 12)).toBe(0);
    expect(clampIndex(12, 12)).toBe(11);
    expect(clampIndex(3, 12)).toBe(3);
    expect(clampIndex(NaN, 12)).toBe(0);
    expect(clampIndex(5, 0)).toBe(0);
  });

  it('counts from one', () => {
    expect(counterText(2, 12)).toBe('3 / 12');
    expect(counterText(0, 1)).toBe('1 / 1');
  });
});

describe('detectSwipe', () => {
  it('reads a long sideways drag as a swipe', () => {
    expect(detectSwipe(-60, 5, 400)).toBe('left');
    expect(detectSwipe(60, -5, 400)).toBe('right');
  });

  it('ignores taps and slow short drags', () => {
    expect(detectSwipe(0, 0, 100)).toBeNull();
    expect(detectSwipe(-40, 0, 400)).toBeNull();
  });

  it('takes a short fast flick', () => {
    expect(detectSwipe(-40, 0, 50)).toBe('left');
    expect(detectSwipe(-20, 0, 10)).toBeNull(); // fast but too short
  });

  it('ignores diagonal drags', () => {
    expect(detectSwipe(-60, 50, 300)).toBeNull();
  });

  it('closes on a swipe down, not up', () => {
    expect(detectSwipe(5, 100, 300)).toBe('down');
    expect(detectSwipe(5, 60, 300)).toBeNull();
    expect(detectSwipe(5, -120, 300)).toBeNull();
  });
});

describe('PLAYER_SELECTOR', () => {
  it('names every player', () => {
    expect(PLAYER_SELECTOR).toBe('atelier-audio, atelier-video, atelier-model, atelier-gallery');
    expect(PLAYER_TAGS).toHaveLength(4);
  });
});
