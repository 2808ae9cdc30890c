// The patch player of /embed/patch/{slug} (an iframe in posts). Before play only this small script runs: it reads
// #patch-embed's data-patch (id, slug, name, exposed controls with their specs and values, rendered by the server)
// and draws the controls. Play imports the runtime, fetches the patch and the node packs, and starts an
// AudioContext. Plain DOM (no React) keeps the script small.
import './embed.css';
import type { ParamSpec, ParamValue, PackManifest, PatchDocument, StudioRuntime } from './types';
import { formatValue, positionToValue, valueToPosition } from './runtime/controls';

/** What the server puts in data-patch. */
export interface EmbedData {
  id: string;
  slug: string;
  name: string;
  controls: { node: string; param: string; label?: string; spec: ParamSpec; value: ParamValue }[];
}

function parseData(root: HTMLElement): EmbedData | undefined {
  try {
    const data = JSON.parse(root.dataset['patch'] ?? '') as Partial<EmbedData>;
    if (typeof data.id !== 'string' || typeof data.name !== 'string') return undefined;
    return { id: data.id, slug: String(data.slug ?? ''), name: data.name, controls: Array.isArray(data.controls) ? data.controls : [] };
  } catch {
    return undefined;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), props);
  element.append(...children);
  return element;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) throw new Error(response.status === 404 ? 'This patch is not available.' : `The server answered ${response.status}.`);
  return (await response.json()) as T;
}

function mount(root: HTMLElement): void {
  const data = parseData(root);
  if (data === undefined) {
    root.textContent = 'This patch cannot be shown.';
    return;
  }
  const values = new Map<string, ParamValue>(data.controls.map((c) => [`${c.node}\u0000${c.param}`, c.value]));
  let runtime: StudioRuntime | undefined;
  let audio: AudioContext | undefined;
  let starting = false;

  const status = el('p', { className: 'pe-status', role: 'status' });
  const play = el('button', { type: 'button', className: 'pe-play', textContent: 'Play' });
  play.setAttribute('aria-pressed', 'false');
  const showError = (message: string): void => {
    status.textContent = message;
    status.classList.add('pe-error');
  };

  const stop = async (): Promise<void> => {
    const [r, a] = [runtime, audio];
    runtime = undefined;
    audio = undefined;
    play.textContent = 'Play';
    play.setAttribute('aria-pressed', 'false');
    await r?.dispose();
    await a?.close();
  };

  const start = async (): Promise<void> => {
    starting = true;
    play.disabled = true;
    status.textContent = 'Loading…';
    status.classList.remove('pe-error');
    try {
      const [{ createRuntime }, patch, nodes] = await Promise.all([
        import('./runtime/index'),
        getJson<{ document: PatchDocument }>(`/api/v1/patches/${encodeURIComponent(data.id)}`),
        getJson<{ packs: PackManifest[] }>('/api/v1/studio/nodes'),
      ]);
      audio = new AudioContext();
      await audio.resume();
      runtime = await createRuntime(audio, nodes.packs);
      runtime.onLog((entry) => entry.level === 'error' && showError(entry.message));
      // The reader's control settings win over the saved ones.
      const document: PatchDocument = {
        ...patch.document,
        nodes: patch.document.nodes.map((n) => {
          const changed = data.controls.filter((c) => c.node === n.id);
          if (changed.length === 0) return n;
          const params = { ...(n.params ?? {}) };
          for (const c of changed) params[c.param] = values.get(`${c.node}\u0000${c.param}`) ?? c.value;
          return { ...n, params };
        }),
      };
      await runtime.update(document);
      play.textContent = 'Stop';
      play.setAttribute('aria-pressed', 'true');
      if (!status.classList.contains('pe-error')) status.textContent = '';
    } catch (error) {
      await stop();
      showError(error instanceof Error ? error.message : String(error));
    } finally {
      starting = false;
      play.disabled = false;
    }
  };

  play.addEventListener('click', () => {
    if (starting) return;
    void (runtime === undefined ? start() : stop());
  });

  const set = (node: string, param: string, value: ParamValue): void => {
    values.set(`${node}\u0000${param}`, value);
    runtime?.setParam(node, param, value);
  };

  const controls = el('div', { className: 'pe-controls' });
  data.controls.forEach((control, index) => {
    const id = `pe-${index}`;
    const label = el('label', { htmlFor: id, textContent: control.label ?? control.spec.name });
    const spec = control.spec;
    let input: HTMLElement;
    if (spec.kind === 'number') {
      const output = el('output', { textContent: formatValue(spec, Number(control.value)) });
      const slider = el('input', { id, type: 'range', min: '0', max: '1', step: 'any', value: String(valueToPosition(spec, Number(control.value))) });
      slider.addEventListener('input', () => {
        const value = positionToValue(spec, Number(slider.value));
        output.textContent = formatValue(spec, value);
        slider.setAttribute('aria-valuetext', output.textContent);
        set(control.node, control.param, value);
      });
      slider.setAttribute('aria-valuetext', output.textContent ?? '');
      input = el('span', { className: 'pe-slider' }, slider, output);
    } else if (spec.kind === 'choice') {
      const select = el('select', { id });
      for (const option of spec.options) select.append(el('option', { value: option, textContent: option, selected: option === control.value }));
      select.addEventListener('change', () => set(control.node, control.param, select.value));
      input = select;
    } else if (spec.kind === 'toggle') {
      const box = el('input', { id, type: 'checkbox', checked: control.value === true });
      box.addEventListener('change', () => set(control.node, control.param, box.checked));
      input = box;
    } else {
      return; // text and media parameters are not played with from an embed
    }
    controls.append(el('div', { className: 'pe-control' }, label, input));
  });

  root.replaceChildren(el('div', { className: 'pe' }, el('div', { className: 'pe-head' }, play, el('h1', { className: 'pe-name', textContent: data.name })), controls, status));
  window.addEventListener('pagehide', () => void stop());
}

const root = document.getElementById('patch-embed');
if (root !== null) mount(root);
