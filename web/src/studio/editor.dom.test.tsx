// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, it, vi } from 'vitest';
import { StudioApi, type PatchDetail } from './api.ts';
import { Editor } from './Editor.tsx';
import { chain, corePack, registry } from './fixtures.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

it('opens a patch with its nodes, typed handles and the toolbar the browser tests use', async () => {
  const detail: PatchDetail = {
    id: 'p1', slug: 'p1', name: 'Chain', description: null, visibility: 'private', version: 1, nodeCount: 5,
    owner: { id: 'me', displayName: 'Me' }, forkedFrom: null, createdAt: '', updatedAt: '', document: chain(), canEdit: true,
  };
  const api = new StudioApi(null, '/api/v1', vi.fn(async () => new Response('{}')) as typeof fetch);
  const container = document.createElement('div');
  container.style.width = '1200px';
  container.style.height = '800px';
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(<Editor api={api} packs={[corePack]} registry={registry} detail={detail} onBack={() => {}} onOpen={() => {}} />));
  for (const id of ['play', 'save-state', 'undo', 'redo', 'mode-perform', 'mode-record', 'group', 'console', 'palette-search']) {
    expect(container.querySelector(`[data-testid="${id}"]`), id).not.toBeNull();
  }
  expect(container.querySelector('[data-testid="save-state"]')!.textContent).toBe('Saved');
  expect(container.querySelector('.react-flow__node[data-id="osc"]')).not.toBeNull();
  expect(container.querySelector('.react-flow__node[data-id="flt"] [data-handleid="cutoff"]')).not.toBeNull();
  // No server-runtime node in this patch: no "Run on server".
  expect(container.querySelector('[data-testid="run-server"]')).toBeNull();
  act(() => root.unmount());
  container.remove();
});
