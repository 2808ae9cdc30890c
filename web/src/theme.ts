// Pure theme decisions, shared by the toggle wiring (site.ts) and covered by theme.test.ts.
// public/theme.js (a classic script run in <head> before paint) mirrors resolveTheme; theme.test.ts checks they agree.

export type Theme = 'light' | 'dark';

/** localStorage key holding the user's explicit choice ('dark' | 'light'). */
export const STORAGE_KEY = 'atelier-theme';

/** Class set on <html> when the dark theme is active. */
export const DARK_CLASS = 'dark';

export function isTheme(value: unknown): value is Theme {
  return value === 'light' || value === 'dark';
}

/** The theme to show: an explicit stored choice wins; anything else falls back to the OS preference. */
export function resolveTheme(stored: string | null | undefined, prefersDark: boolean): Theme {
  if (isTheme(stored)) {
    return stored;
  }
  return prefersDark ? 'dark' : 'light';
}

/** The theme a toggle switches to. */
export function nextTheme(current: Theme): Theme {
  return current === 'dark' ? 'light' : 'dark';
}

/** Accessible state of a toggle button while `current` is shown: pressed means "dark theme on". */
export function toggleState(current: Theme): { pressed: boolean; label: string } {
  return current === 'dark'
    ? { pressed: true, label: 'Switch to light theme' }
    : { pressed: false, label: 'Switch to dark theme' };
}
