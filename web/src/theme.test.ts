import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STORAGE_KEY, isTheme, nextTheme, resolveTheme, toggleState, type Theme } from './theme.ts';

describe('resolveTheme', () => {
  it('uses an explicit stored choice regardless of the OS preference', () => {
    expect(resolveTheme('dark', false)).toBe('dark');
    expect(resolveTheme('dark', true)).toBe('dark');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('light', false)).toBe('light');
  });

  it('falls back to prefers-color-scheme when nothing is stored', () => {
    expect(resolveTheme(null, true)).toBe('dark');
    expect(resolveTheme(null, false)).toBe('light');
    expect(resolveTheme(undefined, true)).toBe('dark');
  });

  it('ignores unknown stored values', () => {
    for (const junk of ['', 'Dark', 'LIGHT', 'system', 'true', ' dark']) {
      expect(resolveTheme(junk, true)).toBe('dark');
      expect(resolveTheme(junk, false)).toBe('light');
    }
  });
});

describe('nextTheme', () => {
  it('flips between light and dark', () => {
    expect(nextTheme('light')).toBe('dark');
    expect(nextTheme('dark')).toBe('light');
  });

  it('returns to the start after two toggles', () => {
    for (const start of ['light', 'dark'] as const) {
      expect(nextTheme(nextTheme(start))).toBe(start);
    }
  });
});

describe('toggleState', () => {
  it('is pressed and offers light while dark is shown', () => {
    expect(toggleState('dark')).toEqual({ pressed: true, label: 'Switch to light theme' });
  });

  it('is not pressed and offers dark while light is shown', () => {
    expect(toggleState('light')).toEqual({ pressed: false, label: 'Switch to dark theme' });
  });

  it('labels the theme that a click switches to', () => {
    for (const theme of ['light', 'dark'] as const) {
      expect(toggleState(theme).label).toBe(`Switch to ${nextTheme(theme)} theme`);
    }
  });
});

describe('isTheme', () => {
  it('accepts only the two theme names', () => {
    expect(isTheme('light')).toBe(true);
    expect(isTheme('dark')).toBe(true);
    expect(isTheme(null)).toBe(false);
    expect(isTheme('auto')).toBe(false);
    expect(isTheme(1)).toBe(false);
  });
});

// public/theme.js runs before paint as a classic script and cannot import theme.ts: run it against fakes and
// check that it decides exactly like resolveTheme.
describe('public/theme.js', () => {
  const source = readFileSync(resolve(import.meta.dirname, '../public/theme.js'), 'utf8');

  function runBootstrap(options: {
    stored: string | null;
    prefersDark: boolean;
    storageThrows?: boolean;
    initiallyDark?: boolean;
    noMatchMedia?: boolean;
  }): { dark: boolean; keysRead: string[] } {
    const classes = new Set<string>(options.initiallyDark === true ? ['dark'] : []);
    const keysRead: string[] = [];
    const window = {
      localStorage: {
        getItem(key: string): string | null {
          keysRead.push(key);
          if (options.storageThrows === true) {
            throw new Error('SecurityError');
          }
          return options.stored;
        },
      },
      matchMedia:
        options.noMatchMedia === true
          ? undefined
          : (query: string) => ({ matches: query === '(prefers-color-scheme: dark)' && options.prefersDark }),
    };
    const document = {
      documentElement: {
        classList: {
          add: (name: string) => void classes.add(name),
          remove: (name: string) => void classes.delete(name),
        },
      },
    };
    new Function('window', 'document', source)(window, document);
    return { dark: classes.has('dark'), keysRead };
  }

  it('reads the same localStorage key as site.js', () => {
    expect(runBootstrap({ stored: null, prefersDark: false }).keysRead).toEqual([STORAGE_KEY]);
  });

  it('agrees with resolveTheme for every stored value and OS preference', () => {
    for (const stored of ['dark', 'light', null, '', 'bogus']) {
      for (const prefersDark of [true, false]) {
        for (const initiallyDark of [true, false]) {
          const expected: Theme = resolveTheme(stored, prefersDark);
          const { dark } = runBootstrap({ stored, prefersDark, initiallyDark });
          expect({ stored, prefersDark, initiallyDark, dark }).toEqual({
            stored,
            prefersDark,
            initiallyDark,
            dark: expected === 'dark',
          });
        }
      }
    }
  });

  it('falls back to the OS preference when storage is unavailable', () => {
    expect(runBootstrap({ stored: 'light', prefersDark: true, storageThrows: true }).dark).toBe(true);
    expect(runBootstrap({ stored: 'dark', prefersDark: false, storageThrows: true }).dark).toBe(false);
  });

  it('defaults to light when matchMedia is missing', () => {
    expect(runBootstrap({ stored: null, prefersDark: true, noMatchMedia: true }).dark).toBe(false);
  });

  it('is a classic script (no module syntax)', () => {
    expect(source).not.toMatch(/^\s*(import|export)\b/m);
  });
});
