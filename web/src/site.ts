// Entry for server-rendered pages: /app/site.js (type="module", so it runs after the document is parsed).
import { PLAYER_SELECTOR } from './players/selector.ts';
import { DARK_CLASS, STORAGE_KEY, isTheme, nextTheme, resolveTheme, toggleState, type Theme } from './theme.ts';

const TOGGLE_SELECTOR = '[data-theme-toggle]';
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

function readStored(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (privacy mode, sandboxed frame)
  }
}

function store(theme: Theme): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // The choice still applies to this page; it just is not remembered.
  }
}

function currentTheme(): Theme {
  return document.documentElement.classList.contains(DARK_CLASS) ? 'dark' : 'light';
}

function syncToggles(theme: Theme): void {
  const { pressed, label } = toggleState(theme);
  for (const button of document.querySelectorAll<HTMLElement>(TOGGLE_SELECTOR)) {
    button.setAttribute('aria-pressed', String(pressed));
    button.setAttribute('aria-label', label);
  }
}

function apply(theme: Theme): void {
  document.documentElement.classList.toggle(DARK_CLASS, theme === 'dark');
  syncToggles(theme);
}

/**
 * Media players (<atelier-audio>, <atelier-video>, <atelier-model>, <atelier-gallery>) are loaded only on pages that
 * have one; their inner native elements work without them, so a failed load changes nothing else.
 *
 * players/index.ts is a build entry of its own, emitted beside this file as players.js, and is imported by that URL:
 * a bundled `import('./players/index.ts')` would make Vite wrap it in its preload helper, a shared chunk that every
 * page would then fetch.
 */
const PLAYERS_BUNDLE = 'players.js';

function loadPlayers(): void {
  if (document.querySelector(PLAYER_SELECTOR) !== null) {
    import(/* @vite-ignore */ new URL(PLAYERS_BUNDLE, import.meta.url).href).catch(() => undefined);
  }
}

function init(): void {
  // theme.js already set the class before paint; re-resolve in case it was not loaded.
  apply(resolveTheme(readStored(), darkQuery.matches));

  document.addEventListener('click', (event) => {
    const target = event.target;
    if (!(target instanceof Element) || target.closest(TOGGLE_SELECTOR) === null) {
      return;
    }
    const theme = nextTheme(currentTheme());
    store(theme);
    apply(theme);
  });

  // Follow the OS setting while the user has made no explicit choice.
  darkQuery.addEventListener('change', (event) => {
    if (!isTheme(readStored())) {
      apply(resolveTheme(null, event.matches));
    }
  });

  // Keep other tabs in step.
  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY || event.key === null) {
      apply(resolveTheme(event.newValue, darkQuery.matches));
    }
  });

  loadPlayers();
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', init, { once: true });
} else {
  init();
}
