// Real-audio verification of the studio runtime in Debian's Chromium (headless), via playwright-core.
//   cd web && npx vite build && node scripts/runtime-check.mjs
// Serves the runtime from Vite's dev server, the built Strudel sandbox bundle (wwwroot/app) the way
// StrudelSandbox.cs does (same CSP, CORS), the example plugin pack, then renders patches and listens to them.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const web = resolve(import.meta.dirname, '..');
const repo = resolve(web, '..');
const built = resolve(repo, 'src/Atelier/wwwroot/app');

/** The same responses as src/Atelier/Features/Studio/StrudelSandbox.cs. */
function studioRoutes() {
  return {
    name: 'studio-routes',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const url = new URL(req.url, 'http://x');
        try {
          if (url.pathname === '/studio/strudel-sandbox') {
            res.setHeader('Content-Security-Policy', `sandbox allow-scripts; default-src 'none'; script-src 'self' 'unsafe-eval'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`);
            res.setHeader('Content-Type', 'text/html; charset=utf-8');
            res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strudel sandbox</title><script type="module" src="/studio/strudel-sandbox/strudel-sandbox.js?v=1"></script></head><body></body></html>');
            return;
          }
          const script = /^\/studio\/strudel-sandbox\/((chunks\/)?[\w.-]+\.js)$/.exec(url.pathname);
          if (script) {
            res.setHeader('Access-Control-Allow-Origin', '*');
            res.setHeader('Content-Type', 'text/javascript');
            res.end(await readFile(resolve(built, script[1])));
            return;
          }
          const plugin = /^\/studio\/plugins\/example\/([\w.-]+)$/.exec(url.pathname);
          if (plugin) {
            res.setHeader('Content-Type', plugin[1].endsWith('.json') ? 'application/json' : 'text/javascript');
            res.end(await readFile(resolve(repo, 'plugins/example', plugin[1])));
            return;
          }
          if (url.pathname === '/__check/core-pack.json') {
            res.setHeader('Content-Type', 'application/json');
            res.end(await readFile(resolve(repo, 'src/Atelier/Features/Studio/Packs/core/pack.json')));
            return;
          }
        } catch (error) {
          res.statusCode = 404;
          res.end(String(error));
          return;
        }
        next();
      });
    },
  };
}

const server = await createServer({ root: web, configFile: resolve(web, 'vite.config.ts'), plugins: [studioRoutes()], server: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
await server.listen();
const address = server.httpServer.address();
const base = `http://127.0.0.1:${address.port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--autoplay-policy=no-user-gesture-required'] });
const failures = [];
const check = (name, ok, detail) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${JSON.stringify(detail)}`);
  if (!ok) failures.push(name);
};
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log('  [page]', m.text()));
  page.on('response', (r) => r.status() >= 400 && console.log('  [http]', r.status(), r.url()));
  page.on('pageerror', (e) => console.log('  [page error]', e.message));
  await page.goto(`${base}/app/scripts/runtime-check.html`);
  await page.waitForFunction(() => document.title === 'ready', null, { timeout: 30_000 });

  const osc = await page.evaluate(() => window.checks.oscillatorChain());
  check('osc 440 → filter → gain → out: spectral peak 440 ± 5 Hz', Math.abs(osc.peakHz - 440) <= 5, osc);
  check('render is 1 s of 44.1 kHz stereo', osc.sampleRate === 44100 && osc.channels === 2 && osc.length === 44100, osc);
  check('level follows the gain (0.5 vs 0.25 → ×2)', Math.abs(osc.rmsLoud / osc.rmsQuiet - 2) < 0.05 && osc.rmsLoud > 0.1, osc);
  check('WAV is 44 + 4 bytes per frame', osc.wavBytes === 44 + 44100 * 4, osc.wavBytes);

  const strudel = await page.evaluate(() => window.checks.strudel('note("c4 e4 g4")'));
  check('Strudel note("c4 e4 g4") plays c4 e4 g4', JSON.stringify(strudel.notes.map((n) => n.midi)) === '[60,64,67]' && strudel.notes.every((n) => n.rms > 0.05), strudel);

  const again = await page.evaluate(() => window.checks.strudel('note("c4 e4 g4")'));
  check('Strudel offline render is deterministic', JSON.stringify(again.notes) === JSON.stringify(strudel.notes), again.notes);

  const error = await page.evaluate(() => window.checks.strudelError());
  check('Strudel syntax error: logged with its line, the rest keeps playing', error.logs.some((l) => l.startsWith('error s: Strudel, line ')) && Math.abs(error.peakHz - 330) <= 5 && error.rms > 0.1, error);

  const all = await page.evaluate(() => window.checks.everyNodeAndPlugins());
  const unexpected = all.logs.filter((l) => l.startsWith('error'));
  check('a patch with every node type and the example pack renders audibly without errors', unexpected.length === 0 && all.rmsLeft > 0.01 && all.rmsRight > 0.01, all);
  check('server-only nodes are skipped with a note', all.logs.some((l) => l.includes('runs on the server')), all.logs.filter((l) => l.includes('server')));

  const crush = await page.evaluate(() => window.checks.bitcrusherLevels());
  check('example.bitcrusher at 3 bits quantises to ≤ 9 levels', crush.distinctLevels <= 9 && crush.distinctLevels >= 3, crush);

  const live = await page.evaluate(() => window.checks.liveEdit());
  const near = (a, b) => Math.abs(a - b) < 8;
  check('live edits: frequency changes follow (440 → 880 → 660)', near(live.first, 440) && near(live.second, 880) && near(live.third, 660), live);
  check('live edits: an added oscillator is heard, a removed one is gone', live.with2k - live.without2k > 30, live);
} finally {
  await browser.close();
  await server.close();
}
console.log(failures.length === 0 ? 'All runtime checks passed.' : `${failures.length} check(s) failed: ${failures.join(', ')}`);
process.exit(failures.length === 0 ? 0 : 1);
