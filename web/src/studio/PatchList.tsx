// The start screen: my patches and public ones, search, new, open, fork (public), delete (mine, confirmed),
// import (.json → POST /patches/import), and name/visibility in a small dialog.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { PatchDetail, PatchSummary, StudioApi } from './api.ts';
import { JsonFileInput, SettingsDialog } from './Dialogs.tsx';

interface Props {
  api: StudioApi;
  userId: string;
  onOpen: (patch: PatchSummary | PatchDetail) => void;
}

export function PatchList({ api, userId, onOpen }: Props) {
  const [scope, setScope] = useState<'mine' | 'public'>(userId ? 'mine' : 'public');
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<PatchSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [editing, setEditing] = useState<PatchSummary | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (more = false) => {
      const mine = ++generation.current;
      setError('');
      try {
        const page = await api.list(scope, query, more ? cursor : null);
        if (mine !== generation.current) return;
        setItems((old) => (more && old ? [...old, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (e) {
        if (mine === generation.current) setError(e instanceof Error ? e.message : String(e));
      }
    },
    [api, scope, query, cursor],
  );

  useEffect(() => {
    const timer = setTimeout(() => void load(false), query ? 250 : 0);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scope, query]);

  const act = async (work: () => Promise<unknown>) => {
    setError('');
    try {
      await work();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const create = () =>
    act(async () => {
      const name = window.prompt('Name of the new patch', 'Untitled patch');
      if (name?.trim()) onOpen(await api.create(name.trim()));
    });

  const importFile = (file: File) =>
    act(async () => {
      const text = await file.text();
      const name = file.name.replace(/\.atelier-patch\.json$|\.json$/i, '') || 'Imported patch';
      onOpen(await api.import(name, text));
    });

  return (
    <div className="mx-auto flex h-full max-w-4xl flex-col p-3 sm:p-6" data-testid="patch-list">
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <h1 className="mr-auto text-2xl font-semibold">Studio</h1>
        {userId && (
          <>
            <button type="button" onClick={() => void create()} data-testid="new-patch" className="rounded bg-sky-600 px-3 py-1.5 text-white">
              New patch
            </button>
            <button type="button" onClick={() => fileInput.current?.click()} className="rounded border border-zinc-300 px-3 py-1.5 dark:border-zinc-700">
              Import…
            </button>
            <JsonFileInput ref={fileInput} testId="import-file" onFile={(file) => void importFile(file)} />
          </>
        )}
      </div>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <div role="tablist" className="flex rounded border border-zinc-300 dark:border-zinc-700">
          {(userId ? (['mine', 'public'] as const) : (['public'] as const)).map((s) => (
            <button
              key={s}
              role="tab"
              type="button"
              aria-selected={scope === s}
              onClick={() => setScope(s)}
              className={`px-3 py-1.5 text-sm ${scope === s ? 'bg-zinc-200 font-semibold dark:bg-zinc-800' : ''}`}
            >
              {s === 'mine' ? 'My patches' : 'Public'}
            </button>
          ))}
        </div>
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search patches…"
          aria-label="Search patches"
          className="min-w-40 flex-1 rounded border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
      </div>
      {error && (
        <p role="alert" className="mb-2 text-sm text-red-600">
          {error}
        </p>
      )}
      <ul className="min-h-0 flex-1 divide-y divide-zinc-200 overflow-y-auto dark:divide-zinc-800">
        {items === null && !error && <li className="py-4 text-sm text-zinc-500">Loading…</li>}
        {items?.length === 0 && (
          <li className="py-4 text-sm text-zinc-500">{query ? `No patch matches “${query}”.` : scope === 'mine' ? 'No patches yet: start a new one.' : 'No public patches yet.'}</li>
        )}
        {items?.map((p) => (
          <li key={p.id} className="flex flex-wrap items-center gap-2 py-2" data-testid="patch-row">
            <button type="button" onClick={() => onOpen(p)} className="min-w-0 flex-1 text-left">
              <div className="truncate font-medium">{p.name}</div>
              <div className="truncate text-xs text-zinc-500">
                {p.visibility} · {p.nodeCount} nodes · {scope === 'public' ? `${p.owner.displayName} · ` : ''}
                {new Date(p.updatedAt).toLocaleDateString()}
                {p.forkedFrom ? ` · forked from ${p.forkedFrom.name}` : ''}
              </div>
            </button>
            {p.owner.id === userId ? (
              <>
                <button type="button" onClick={() => setEditing(p)} className="rounded px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">
                  Rename
                </button>
                <button
                  type="button"
                  onClick={() =>
                    void act(async () => {
                      if (!window.confirm(`Delete “${p.name}” and all its versions? This cannot be undone.`)) return;
                      await api.delete(p.id);
                      setItems((old) => old?.filter((x) => x.id !== p.id) ?? null);
                    })
                  }
                  className="rounded px-2 py-1 text-sm text-red-600 hover:bg-red-50 dark:hover:bg-red-950"
                >
                  Delete
                </button>
              </>
            ) : (
              userId && (
                <button type="button" onClick={() => void act(async () => onOpen(await api.fork(p.id)))} className="rounded px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">
                  Fork
                </button>
              )
            )}
          </li>
        ))}
        {cursor && (
          <li className="py-2">
            <button type="button" onClick={() => void load(true)} className="text-sm text-sky-600 underline">
              More
            </button>
          </li>
        )}
      </ul>
      {editing && (
        <SettingsDialog
          patch={editing}
          onClose={() => setEditing(null)}
          onSave={async (settings) => {
            const full = await api.get(editing.id);
            const saved = await api.update(editing.id, {
              name: settings.name,
              description: settings.description || null,
              visibility: settings.visibility,
              document: full.document,
              baseVersion: full.version,
              checkpoint: false,
            });
            setItems((old) => old?.map((x) => (x.id === saved.id ? { ...x, ...pickSummary(saved) } : x)) ?? null);
          }}
        />
      )}
    </div>
  );
}

function pickSummary(detail: PatchDetail): PatchSummary {
  const { document: _document, canEdit: _canEdit, ...summary } = detail;
  return summary;
}
