// Entry of /app/studio.js: mounts the studio on #studio-root, which the server's /studio page renders as
//   <div id="studio-root" data-user-id="GUID" data-user-name="Display Name" data-token-url="/studio?handler=Token"
//        data-antiforgery="TOKEN" data-patch-id="GUID (on /studio/{id})"></div>

import '@xyflow/react/dist/style.css';
import './studio.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TokenSource } from '../http.ts';
import { StudioApi } from './api.ts';
import { App } from './App.tsx';

function mount(element: HTMLElement): void {
  const { userId = '', tokenUrl = '/studio?handler=Token', antiforgery = '', patchId = '' } = element.dataset;
  const fromUrl = /^\/studio\/([^/]+)/.exec(location.pathname)?.[1] ?? '';
  const tokens = userId ? new TokenSource(tokenUrl, antiforgery) : null;
  const api = new StudioApi(tokens);
  createRoot(element).render(
    <StrictMode>
      <App api={api} userId={userId} initialPatchId={patchId || fromUrl || null} />
    </StrictMode>,
  );
}

const root = document.getElementById('studio-root');
if (root !== null) {
  mount(root);
}
