// The studio app: loads the node packs, then shows the patch list or the editor of one patch; the URL follows
// (/studio, /studio/{id}) so reload and back work.

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PatchDetail, PatchSummary, StudioApi } from './api.ts';
import { Editor } from './Editor.tsx';
import { buildRegistry } from './graph.ts';
import { PatchList } from './PatchList.tsx';
import type { PackManifest } from './types.ts';

export function App({ api, userId, initialPatchId }: { api: StudioApi; userId: string; initialPatchId: string | null }) {
  const [packs, setPacks] = useState<PackManifest[] | null>(null);
  const [open, setOpen] = useState<PatchDetail | null>(null);
  const [patchId, setPatchId] = useState<string | null>(initialPatchId);
  const [error, setError] = useState('');
  const registry = useMemo(() => buildRegistry(packs ?? []), [packs]);

  useEffect(() => {
    api.nodes().then(
      (r) => setPacks(r.packs),
      (e: unknown) => setError(`Could not load the node types: ${e instanceof Error ? e.message : String(e)}`),
    );
  }, [api]);

  useEffect(() => {
    if (patchId === null) {
      setOpen(null);
      return;
    }
    if (open?.id === patchId) return;
    let live = true;
    api.get(patchId).then(
      (detail) => live && setOpen(detail),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, patchId, open?.id]);

  useEffect(() => {
    const onPop = () => setPatchId(/^\/studio\/([^/]+)/.exec(location.pathname)?.[1] ?? null);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const openPatch = useCallback((patch: PatchSummary | PatchDetail) => {
    setError('');
    if ('document' in patch) setOpen(patch);
    setPatchId(patch.id);
    history.pushState(null, '', `/studio/${patch.id}`);
  }, []);

  const back = useCallback(() => {
    setPatchId(null);
    history.pushState(null, '', '/studio');
  }, []);

  if (error) {
    return (
      <div className="p-6">
        <p role="alert" className="text-red-600">
          {error}
        </p>
        <button type="button" onClick={() => (setError(''), back())} className="mt-3 underline">
          Back to the patches
        </button>
      </div>
    );
  }
  if (packs === null || (patchId !== null && open?.id !== patchId)) {
    return <p className="p-6 text-zinc-500">Loading…</p>;
  }
  if (open) {
    return <Editor key={open.id} api={api} packs={packs} registry={registry} detail={open} onBack={back} onOpen={openPatch} />;
  }
  return <PatchList api={api} userId={userId} onOpen={openPatch} />;
}
