// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenSource } from '../http.ts';
import { StudioApi, type PatchSummary } from './api.ts';
import { EditorContext } from './context.ts';
import { chain, corePack, registry } from './fixtures.ts';
import { Inspector } from './Inspector.tsx';
import { EditorModel } from './model.ts';
import { Palette } from './Palette.tsx';
import { PatchList } from './PatchList.tsx';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const ME = 'u-me';

function summary(id: string, name: string, owner = ME, visibility: PatchSummary['visibility'] = 'private'): PatchSummary {
  return {
    id,
    slug: name.toLowerCase().replace(/\s+/g, '-'),
    name,
    description: null,
    visibility,
    version: 1,
    nodeCount: 3,
    owner: { id: owner, displayName: owner === ME ? 'Me' : 'Ann' },
    forkedFrom: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-02T00:00:00Z',
  };
}

let container: HTMLElement;
let root: Root;
let calls: { method: string; url: string; body?: string }[];

function fakeApi(routes: (method: string, url: string, body?: string) => Response | undefined): StudioApi {
  calls = [];
  const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    if (url.startsWith('/studio?handler=Token')) {
      return new Response(JSON.stringify({ accessToken: 't', expiresIn: 900 }));
    }
    const body = typeof init?.body === 'string' ? init.body : undefined;
    calls.push({ method, url, ...(body === undefined ? {} : { body }) });
    return routes(method, url, body) ?? new Response('{"title":"Not found"}', { status: 404 });
  });
  return new StudioApi(new TokenSource('/studio?handler=Token', 'af', fetcher as typeof fetch), '/api/v1', fetcher as typeof fetch);
}

async function flush(ms = 0): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });
}

function byTestId(id: string): HTMLElement | null {
  return container.querySelector(`[data-testid="${id}"]`);
}

function setInput(input: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  setter.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.restoreAllMocks();
});

describe('patch list', () => {
  it('lists my patches, searches, and switches to public ones with a fork button', async () => {
    const api = fakeApi((method, url) => {
      if (method === 'GET' && url.includes('scope=mine')) {
        const q = new URL(url, 'http://x').searchParams.get('q');
        const items = [summary('p1', 'Bass line'), summary('p2', 'Drone')].filter((p) => !q || p.name.toLowerCase().includes(q.toLowerCase()));
        return Response.json({ items, nextCursor: null });
      }
      if (method === 'GET' && url.includes('scope=public')) {
        return Response.json({ items: [summary('p9', 'Ann’s groove', 'u-ann', 'public')], nextCursor: null });
      }
      if (method === 'POST' && url === '/api/v1/patches/p9/fork') {
        return Response.json({ ...summary('p10', 'Ann’s groove (fork)'), document: chain(), canEdit: true }, { status: 201 });
      }
      return undefined;
    });
    const opened: string[] = [];
    act(() => root.render(<PatchList api={api} userId={ME} onOpen={(p) => opened.push(p.id)} />));
    await flush();
    expect([...container.querySelectorAll('[data-testid="patch-row"]')].map((r) => r.textContent)).toEqual([
      expect.stringContaining('Bass line'),
      expect.stringContaining('Drone'),
    ]);

    act(() => setInput(container.querySelector('input[type="search"]')!, 'dro'));
    await flush(300);
    expect(container.querySelectorAll('[data-testid="patch-row"]')).toHaveLength(1);
    expect(calls.at(-1)!.url).toContain('q=dro');

    act(() => setInput(container.querySelector('input[type="search"]')!, ''));
    act(() => [...container.querySelectorAll('button[role="tab"]')].find((b) => b.textContent === 'Public')!.dispatchEvent(new MouseEvent('click', { bubbles: true })));
    await flush();
    const row = container.querySelector('[data-testid="patch-row"]')!;
    expect(row.textContent).toContain('Ann’s groove');
    expect([...row.querySelectorAll('button')].map((b) => b.textContent)).toContain('Fork');
    expect([...row.querySelectorAll('button')].map((b) => b.textContent)).not.toContain('Delete');
    act(() => [...row.querySelectorAll('button')].find((b) => b.textContent === 'Fork')!.click());
    await flush();
    expect(opened).toEqual(['p10']);
  });

  it('deletes a patch of mine only after confirmation', async () => {
    const api = fakeApi((method, url) => {
      if (method === 'GET') return Response.json({ items: [summary('p1', 'Bass line')], nextCursor: null });
      if (method === 'DELETE' && url === '/api/v1/patches/p1') return new Response(null, { status: 204 });
      return undefined;
    });
    act(() => root.render(<PatchList api={api} userId={ME} onOpen={() => {}} />));
    await flush();
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    window.confirm = confirm;
    const del = () => [...container.querySelectorAll('button')].find((b) => b.textContent === 'Delete')!;
    act(() => del().click());
    await flush();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    act(() => del().click());
    await flush();
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual(['/api/v1/patches/p1']);
    expect(container.querySelectorAll('[data-testid="patch-row"]')).toHaveLength(0);
  });

  it('shows the server’s problem when the list fails', async () => {
    const api = fakeApi(() => Response.json({ title: 'Too many requests' }, { status: 429 }));
    act(() => root.render(<PatchList api={api} userId={ME} onOpen={() => {}} />));
    await flush();
    expect(container.querySelector('[role="alert"]')!.textContent).toBe('Too many requests');
  });
});

describe('palette and inspector', () => {
  it('filters the palette as you type and adds the first match on Enter', async () => {
    const model = new EditorModel(chain(), registry);
    const added: string[] = [];
    act(() =>
      root.render(
        <EditorContext value={model}>
          <Palette onAdd={(t) => added.push(t)} />
        </EditorContext>,
      ),
    );
    expect(byTestId('palette-item-core.oscillator')).not.toBeNull();
    expect(container.querySelectorAll('[data-testid^="palette-item-"]')).toHaveLength(corePack.nodes.length);
    const search = byTestId('palette-search') as HTMLInputElement;
    act(() => setInput(search, 'filt'));
    expect([...container.querySelectorAll('[data-testid^="palette-item-"]')].map((b) => b.getAttribute('data-testid'))).toEqual(['palette-item-core.filter']);
    act(() => search.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    expect(added).toEqual(['core.filter']);
  });

  it('edits a number parameter through its number field, clamped to the range, and exposes it in perform mode', async () => {
    const model = new EditorModel(chain(), registry);
    model.select(['osc']);
    act(() =>
      root.render(
        <EditorContext value={model}>
          <Inspector api={null} />
        </EditorContext>,
      ),
    );
    const field = byTestId('param-frequency') as HTMLInputElement;
    expect(field.type).toBe('number');
    expect(field.value).toBe('440');
    expect(container.querySelector('[role="slider"][aria-label="Frequency"]')).not.toBeNull();
    act(() => setInput(field, '880'));
    expect(model.doc.nodes.find((n) => n.id === 'osc')!.params!.frequency).toBe(880);
    act(() => {
      setInput(field, '99999');
      field.dispatchEvent(new FocusEvent('blur', { bubbles: true }));
      field.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
    });
    expect(model.doc.nodes.find((n) => n.id === 'osc')!.params!.frequency).toBe(20000);
    expect((byTestId('param-waveform') as HTMLSelectElement).value).toBe('sine');

    act(() => (byTestId('expose-frequency') as HTMLInputElement).click());
    expect(model.doc.controls).toContainEqual({ node: 'osc', param: 'frequency' });
  });
});

