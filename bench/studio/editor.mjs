// Studio editor benchmark (driven by bench/studio-editor.sh): for each size, a generated patch of N nodes is created
// through the API, opened at /studio/{id} in headless Chromium, and measured:
//   - time to interactive: navigation start → performance.mark('studio:interactive') (the editor sets it once the
//     patch's nodes are rendered and the canvas takes input), and the wall-clock time of the same;
//   - frame rate while panning the canvas (a pointer drag on the empty pane) and while dragging one node, counted with
//     requestAnimationFrame in the page: frames per second and the 95th-percentile frame time;
//   - the same two once zoomed out to fit the whole patch on screen (the "fit view" control), where every node is drawn
//     (above 200 nodes the editor draws only the nodes in view, so the default view draws a few dozen);
//   - panning one zoom step in from there: part of the patch is off screen, so the minimap is drawn as well.
// Prints a JSON result to --out and a table to stdout. Bounded: every step has a timeout.
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const url = args.url;
const sizes = (args.sizes ?? '100,500,1000').split(',').map(Number);
const seconds = Number(args.seconds ?? 4);
const rounds = Number(args.rounds ?? 3);
const chromiumPath = args.chromium ?? '/usr/bin/chromium';
const tracePath = args.trace; // a Chromium performance trace of the first zoomed-out pan, for DevTools' Performance panel

async function api(path, init = {}) {
  const response = await fetch(url + path, {
    ...init,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

const login = await fetch(url + '/api/v1/auth/login', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: args.email, password: args.password }),
});
if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
const token = (await login.json()).accessToken;

/** A valid patch of n nodes: chains oscillator → filter → gain → mixer(in1) laid out on a grid, a few edges each. */
function generatePatch(n) {
  const kinds = ['core.oscillator', 'core.filter', 'core.gain', 'core.delay', 'core.panner'];
  const nodes = [];
  const edges = [];
  const columns = Math.ceil(Math.sqrt(n * 2));
  for (let i = 0; i < n; i++) {
    const type = kinds[i % kinds.length];
    nodes.push({ id: `n${i}`, type, x: (i % columns) * 260, y: Math.floor(i / columns) * 200 });
    if (i % kinds.length !== 0) {
      edges.push({ id: `e${i}`, from: { node: `n${i - 1}`, port: 'out' }, to: { node: `n${i}`, port: 'in' } });
    }
  }
  return { format: 'atelier.patch', version: 1, nodes, edges, modules: [], controls: [] };
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(60_000);
await page.goto(url + '/account/login?ReturnUrl=%2Fstudio');
await page.getByLabel('Email').fill(args.email);
await page.getByLabel('Password').fill(args.password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL('**/studio**');

/** Counts animation frames in the page while `act` runs; returns fps and the 95th-percentile frame time. */
async function framesDuring(act) {
  await page.evaluate(() => {
    const times = [];
    window.__frames = times;
    window.__counting = true;
    const tick = (t) => {
      times.push(t);
      if (window.__counting) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await act();
  const times = await page.evaluate(() => {
    window.__counting = false;
    return window.__frames;
  });
  const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  const span = times[times.length - 1] - times[0];
  return {
    fps: ((times.length - 1) * 1000) / span,
    p95FrameMs: gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * 0.95))],
    frames: times.length,
  };
}

/** Moves the pointer from a point in small steps for `seconds`, holding the button: a drag. */
async function dragFor(from, radius) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const end = Date.now() + seconds * 1000;
  let step = 0;
  while (Date.now() < end) {
    step++;
    const angle = step / 10;
    await page.mouse.move(from.x + Math.sin(angle) * radius, from.y + (1 - Math.cos(angle)) * radius * 0.6);
    await new Promise((r) => setTimeout(r, 8));
  }
  await page.mouse.up();
}

/** An empty spot of the pane (not a node, edge or panel) to grab for panning. */
function emptySpot() {
  return page.evaluate(() => {
    for (let y = 200; y < innerHeight - 100; y += 13) {
      for (let x = 300; x < innerWidth - 300; x += 17) {
        const el = document.elementFromPoint(x, y);
        if (el && el.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return null;
  });
}

const results = [];
for (const n of sizes) {
  for (let round = 0; round < rounds; round++) {
    // A fresh patch each round: the editor saves the viewport, so a round that zoomed out would open the next one zoomed out.
    const patch = await api('/api/v1/patches', {
      method: 'POST',
      body: JSON.stringify({ name: `Bench ${n} nodes`, visibility: 'private', document: generatePatch(n) }),
    });
    const started = Date.now();
    await page.goto(`${url}/studio/${patch.id}`);
    await page.waitForFunction(() => performance.getEntriesByName('studio:interactive').length > 0, null, { timeout: 60_000 });
    const wallMs = Date.now() - started;
    const markMs = await page.evaluate(() => performance.getEntriesByName('studio:interactive')[0].startTime);
    const rendered = await page.locator('.react-flow__node').count();
    const pane = await emptySpot();
    if (!pane) throw new Error('no empty spot on the pane to pan with');
    const panning = await framesDuring(() => dragFor(pane, 150));
    const node = await page.locator('.react-flow__node').first().boundingBox();
    if (!node) throw new Error('no node on screen to drag');
    const dragging = await framesDuring(() => dragFor({ x: node.x + 20, y: node.y + 10 }, 120));

    // Zoomed out: the whole patch in view, so every node is drawn.
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(1000);
    const all = await page.locator('.react-flow__node').count();
    const farPane = await emptySpot();
    if (!farPane) throw new Error('no empty spot on the zoomed-out pane to pan with');
    const tracing = tracePath && results.length === 0;
    if (tracing) await browser.startTracing(page, { path: tracePath, screenshots: false });
    const farPanning = await framesDuring(() => dragFor(farPane, 60));
    if (tracing) await browser.stopTracing();
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(1000);
    const farNode = await page.locator('.react-flow__node').nth(Math.floor(all / 2)).boundingBox();
    if (!farNode) throw new Error('no node on the zoomed-out screen to drag');
    const farDragging = await framesDuring(() => dragFor({ x: farNode.x + farNode.width / 2, y: farNode.y + farNode.height / 2 }, 60));
    // One zoom step in from there: still zoomed out, but part of the patch is off screen, so the minimap shows too.
    await page.locator('.react-flow__controls-fitview').click();
    await page.locator('.react-flow__controls-zoomin').click();
    await page.waitForTimeout(1000);
    const partly = await page.locator('.react-flow__node').count();
    const minimap = (await page.locator('.react-flow__minimap').count()) > 0;
    const partPane = await emptySpot();
    if (!partPane) throw new Error('no empty spot on the pane to pan with');
    const partPanning = await framesDuring(() => dragFor(partPane, 60));
    results.push({
      nodes: n, round, rendered, interactiveMs: markMs, wallMs, panning, dragging,
      zoomedOut: { rendered: all, panning: farPanning, dragging: farDragging },
      partlyOut: { rendered: partly, minimap, panning: partPanning },
    });
    console.error(`[bench] ${n} nodes, round ${round + 1}: interactive ${markMs.toFixed(0)} ms, pan ${panning.fps.toFixed(1)} fps, drag ${dragging.fps.toFixed(1)} fps; zoomed out (${all} drawn): pan ${farPanning.fps.toFixed(1)} fps, drag ${farDragging.fps.toFixed(1)} fps; one step in (${partly} drawn, minimap ${minimap ? 'shown' : 'hidden'}): pan ${partPanning.fps.toFixed(1)} fps`);
    await page.goto('about:blank'); // leaves the editor (and its pending autosave) before the patch goes
    await api(`/api/v1/patches/${patch.id}`, { method: 'DELETE' });
  }
}
await browser.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = sizes.map((n) => {
  const mine = results.filter((r) => r.nodes === n);
  return {
    nodes: n,
    rendered: median(mine.map((r) => r.rendered)),
    interactive: median(mine.map((r) => r.interactiveMs)),
    wall: median(mine.map((r) => r.wallMs)),
    panFps: median(mine.map((r) => r.panning.fps)),
    panP95: median(mine.map((r) => r.panning.p95FrameMs)),
    dragFps: median(mine.map((r) => r.dragging.fps)),
    dragP95: median(mine.map((r) => r.dragging.p95FrameMs)),
    allDrawn: median(mine.map((r) => r.zoomedOut.rendered)),
    farPanFps: median(mine.map((r) => r.zoomedOut.panning.fps)),
    farPanP95: median(mine.map((r) => r.zoomedOut.panning.p95FrameMs)),
    farDragFps: median(mine.map((r) => r.zoomedOut.dragging.fps)),
    farDragP95: median(mine.map((r) => r.zoomedOut.dragging.p95FrameMs)),
    partDrawn: median(mine.map((r) => r.partlyOut.rendered)),
    partMinimap: mine.every((r) => r.partlyOut.minimap),
    partPanFps: median(mine.map((r) => r.partlyOut.panning.fps)),
    partPanP95: median(mine.map((r) => r.partlyOut.panning.p95FrameMs)),
  };
});
if (args.out) writeFileSync(args.out, JSON.stringify({ results, rows }, null, 2));
console.log(`| nodes | rendered nodes | interactive (mark) | navigation → interactive (wall) | pan fps | pan p95 frame | drag fps | drag p95 frame |`);
console.log(`|---:|---:|---:|---:|---:|---:|---:|---:|`);
for (const r of rows) {
  console.log(
    `| ${r.nodes} | ${r.rendered} | ${r.interactive.toFixed(0)} ms | ${r.wall.toFixed(0)} ms | ${r.panFps.toFixed(1)} | ${r.panP95.toFixed(1)} ms | ${r.dragFps.toFixed(1)} | ${r.dragP95.toFixed(1)} ms |`,
  );
}
console.log('\nZoomed out to fit the whole patch (every node drawn):\n');
console.log(`| nodes | drawn | pan fps | pan p95 frame | drag fps | drag p95 frame |`);
console.log(`|---:|---:|---:|---:|---:|---:|`);
for (const r of rows) {
  console.log(
    `| ${r.nodes} | ${r.allDrawn} | ${r.farPanFps.toFixed(1)} | ${r.farPanP95.toFixed(1)} ms | ${r.farDragFps.toFixed(1)} | ${r.farDragP95.toFixed(1)} ms |`,
  );
}
console.log('\nOne zoom step in from there (part of the patch off screen, the minimap shown):\n');
console.log(`| nodes | drawn | minimap | pan fps | pan p95 frame |`);
console.log(`|---:|---:|---|---:|---:|`);
for (const r of rows) {
  console.log(`| ${r.nodes} | ${r.partDrawn} | ${r.partMinimap ? 'shown' : 'not always shown'} | ${r.partPanFps.toFixed(1)} | ${r.partPanP95.toFixed(1)} ms |`);
}
console.log(`\nmedian of ${rounds} rounds; ${seconds} s of panning and of dragging per round; viewport 1440×900; headless Chromium (software rendering).`);
