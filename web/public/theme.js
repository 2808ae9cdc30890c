/* Atelier theme bootstrap: a classic script loaded synchronously in <head>, before first paint, so the page
 * never flashes the wrong theme. Keep it tiny and dependency-free; it is copied verbatim to /app/theme.js.
 * Mirrors resolveTheme() in web/src/theme.ts (web/src/theme.test.ts checks that they agree). */
(function () {
  'use strict';
  var stored = null;
  try {
    stored = window.localStorage.getItem('atelier-theme');
  } catch (e) {
    stored = null;
  }
  var dark = stored === 'dark' ||
    (stored !== 'light' && !!window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
  var root = document.documentElement;
  if (dark) {
    root.classList.add('dark');
  } else {
    root.classList.remove('dark');
  }
})();
