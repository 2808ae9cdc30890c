/// <reference types="vitest/config" />
// Vite build for Atelier's front end.
//
// Output goes straight into the ASP.NET Core app's web root (src/Atelier/wwwroot/app, served as /app/...)
// with FIXED file names: the server appends its own version hash (asp-append-version), so Vite must not.
// Files in public/ (theme.js, a classic script loaded synchronously in <head>) are copied verbatim.
//
// To add a bundle (e.g. a React studio or chat), add it to `scripts` (emitted as /app/<name>.js, plus
// /app/<name>.css if it imports CSS); a standalone stylesheet goes in `styles` (emitted as /app/<name>.css).
// Code shared between scripts lands in /app/chunks/. Remember to add new source folders to the inputs in
// src/Atelier/WebAssets.targets if they live outside web/src.
import { resolve } from 'node:path';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

/** ES module entries: output name → source. */
const scripts: Record<string, string> = {
  site: 'src/site.ts', // theme toggle etc. for server-rendered pages
  editor: 'src/editor.ts', // the admin post editor: live preview, image paste/drop/upload
  players: 'src/players/index.ts', // <atelier-audio/video/model/gallery>; site.js imports it only where one is on the page
  media: 'src/media/uploader.ts', // the admin media library's uploader (drop, paste, pick; progress, cancel)
  chat: 'src/chat/main.tsx', // the messenger (React), mounted on #chat-root by the /chat page; also emits chat.css
  studio: 'src/studio/main.tsx', // the studio editor (React + React Flow), mounted on #studio-root by /studio; also emits studio.css
  'patch-embed': 'src/studio/embed.tsx', // the patch player in /embed/patch/{slug}: loads the runtime only on play
  // Strudel's evaluator inside the sandboxed iframe of /studio/strudel-sandbox (opaque origin). That endpoint serves
  // this file and its chunks with CORS, since module scripts of an opaque origin are cross-origin requests.
  'strudel-sandbox': 'src/studio/sandbox/strudel-sandbox.ts',
};

/** Stylesheet-only entries: output name → source. */
const styles: Record<string, string> = {
  site: 'src/site.css', // Tailwind build for server-rendered pages
};

// Stylesheet entries get a key prefix so they cannot clash with a script of the same name; assetFileNames
// names them back by their source file.
const input: Record<string, string> = {};
const styleNameBySource = new Map<string, string>();
for (const [name, source] of Object.entries(scripts)) {
  input[name] = resolve(root, source);
}
for (const [name, source] of Object.entries(styles)) {
  input[`style-${name}`] = resolve(root, source);
  styleNameBySource.set(resolve(root, source), name);
}

export default defineConfig({
  root,
  base: '/app/',
  publicDir: resolve(root, 'public'),
  plugins: [tailwindcss()],
  build: {
    outDir: resolve(root, '../src/Atelier/wwwroot/app'),
    emptyOutDir: true,
    manifest: false,
    sourcemap: false,
    // The 3D viewer (model-viewer with three.js, ~1 MB) is fetched only when a model scrolls into view.
    chunkSizeWarningLimit: 1100,
    rolldownOptions: {
      input,
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name].js',
        assetFileNames: (asset) => {
          for (const original of asset.originalFileNames) {
            const style = styleNameBySource.get(resolve(root, original));
            if (style !== undefined) {
              return `${style}.css`;
            }
          }
          // The stylesheet a script entry imports is named after the entry (chat.js → chat.css).
          for (const name of asset.names) {
            const entry = name.replace(/\.css$/, '');
            if (name.endsWith('.css') && Object.hasOwn(scripts, entry)) {
              return `${entry}.css`;
            }
          }
          return 'assets/[name][extname]';
        },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
