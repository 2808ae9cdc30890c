// Small dialogs: patch settings (name, description, visibility), versions (list, restore), the save conflict, and
// the keyboard shortcuts overlay (?); and the hidden picker for patch files.

import { useEffect, useState, type ReactNode, type Ref } from 'react';
import type { PatchDetail, PatchSummary, StudioApi, VersionSummary, Visibility } from './api.ts';

export function Modal({ title, onClose, children, wide = false }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-black/40 p-3" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div role="dialog" aria-modal="true" aria-label={title} className={`max-h-[90dvh] w-full overflow-y-auto rounded-lg bg-white p-4 shadow-xl dark:bg-zinc-900 ${wide ? 'max-w-2xl' : 'max-w-md'}`}>
        <div className="mb-3 flex items-center justify-between">
          <h2 className="text-lg font-semibold">{title}</h2>
          <button type="button" onClick={onClose} aria-label="Close" className="rounded px-2 text-xl hover:bg-zinc-100 dark:hover:bg-zinc-800">
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

export interface PatchSettings {
  name: string;
  description: string;
  visibility: Visibility;
}

export function SettingsDialog({ patch, onSave, onClose }: { patch: Pick<PatchSummary, 'name' | 'description' | 'visibility'>; onSave: (s: PatchSettings) => Promise<void>; onClose: () => void }) {
  const [name, setName] = useState(patch.name);
  const [description, setDescription] = useState(patch.description ?? '');
  const [visibility, setVisibility] = useState<Visibility>(patch.visibility);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Modal title="Patch settings" onClose={onClose}>
      <form
        className="space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) {
            setError('A patch needs a name.');
            return;
          }
          setBusy(true);
          onSave({ name: name.trim(), description: description.trim(), visibility }).then(onClose, (err: unknown) => {
            setBusy(false);
            setError(err instanceof Error ? err.message : String(err));
          });
        }}
      >
        <label className="block">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required data-testid="settings-name" className="mt-1 w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-950" />
        </label>
        <label className="block">
          Description
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} rows={3} className="mt-1 w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-950" />
        </label>
        <fieldset>
          <legend>Visibility</legend>
          {(['private', 'unlisted', 'public'] as const).map((v) => (
            <label key={v} className="mr-4 inline-flex items-center gap-1">
              <input type="radio" name="visibility" value={v} checked={visibility === v} onChange={() => setVisibility(v)} data-testid={`visibility-${v}`} />
              {v}
            </label>
          ))}
          <p className="mt-1 text-xs text-zinc-500">Unlisted and public patches can be embedded in posts; public ones are listed for everyone.</p>
        </fieldset>
        {error && <p role="alert" className="text-red-600">{error}</p>}
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded border border-zinc-300 px-3 py-1.5 dark:border-zinc-700">
            Cancel
          </button>
          <button type="submit" disabled={busy} className="rounded bg-sky-600 px-3 py-1.5 text-white disabled:opacity-50">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function VersionsDialog({ api, patchId, onRestored, onClose }: { api: StudioApi; patchId: string; onRestored: (detail: PatchDetail) => void; onClose: () => void }) {
  const [items, setItems] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.versions(patchId).then(
      (r) => setItems(r.items),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [api, patchId]);
  return (
    <Modal title="Versions" onClose={onClose}>
      {error && <p role="alert" className="text-red-600">{error}</p>}
      {items === null && !error && <p className="text-sm text-zinc-500">Loading…</p>}
      <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {items?.map((v, i) => (
          <li key={v.number} className="flex items-center gap-2 py-2">
            <div className="min-w-0 flex-1">
              <div className="font-medium">
                Version {v.number} {i === 0 && <span className="text-xs text-emerald-600">(current)</span>}
              </div>
              <div className="text-xs text-zinc-500">
                {new Date(v.createdAt).toLocaleString()} · {v.author.displayName} · {v.nodeCount} nodes
              </div>
            </div>
            {i > 0 && (
              <button
                type="button"
                className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700"
                onClick={() =>
                  api.restore(patchId, v.number).then(
                    (detail) => (onRestored(detail), onClose()),
                    (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
                  )
                }
              >
                Restore
              </button>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

export function ConflictDialog({ onReload, onOverwrite, onClose }: { onReload: () => void; onOverwrite: () => void; onClose: () => void }) {
  return (
    <Modal title="The patch changed elsewhere" onClose={onClose}>
      <p className="text-sm">Someone (maybe you, in another tab) saved a newer version of this patch. Autosave is paused so nothing is lost.</p>
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        <button type="button" onClick={onReload} className="rounded border border-zinc-300 px-3 py-1.5 dark:border-zinc-700">
          Load their version
        </button>
        <button type="button" onClick={onOverwrite} className="rounded bg-red-600 px-3 py-1.5 text-white">
          Overwrite with mine
        </button>
      </div>
    </Modal>
  );
}

export const shortcuts: [string, string][] = [
  ['?', 'Show this list'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'Redo'],
  ['Ctrl+C / Ctrl+X / Ctrl+V', 'Copy / cut / paste nodes (also into another patch)'],
  ['Ctrl+D', 'Duplicate the selection'],
  ['Ctrl+A', 'Select all nodes'],
  ['Delete / Backspace', 'Delete the selection'],
  ['Shift+drag', 'Select with a box'],
  ['Shift+click', 'Add to the selection'],
  ['Ctrl+G', 'Group the selection into a module'],
  ['Ctrl+Shift+G', 'Ungroup the selected module'],
  ['Double-click a module', 'Edit inside it'],
  ['Escape', 'Leave the module / close a dialog'],
  ['Ctrl+S', 'Save a version now'],
  ['Ctrl+F or /', 'Search the palette'],
  ['Space', 'Play / stop'],
  ['Ctrl+Enter (in code)', 'Apply the pattern code'],
];

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="w-full text-sm" data-testid="shortcuts">
        <tbody>
          {shortcuts.map(([keys, what]) => (
            <tr key={keys} className="border-b border-zinc-100 dark:border-zinc-800">
              <td className="py-1 pr-3 font-mono text-xs whitespace-nowrap">{keys}</td>
              <td className="py-1">{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-3 text-xs text-zinc-500">On macOS, Cmd works wherever Ctrl is listed.</p>
    </Modal>
  );
}

/** A hidden picker for exported patch files (.json): `onFile` gets the chosen file, and the same file may be picked again. */
export function JsonFileInput({ ref, testId, onFile }: { ref: Ref<HTMLInputElement>; testId: string; onFile: (file: File) => void }) {
  return (
    <input
      ref={ref}
      type="file"
      accept=".json,application/json"
      className="hidden"
      data-testid={testId}
      onChange={(e) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (file) onFile(file);
      }}
    />
  );
}
