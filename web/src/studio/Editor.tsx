// The editor of one open patch: toolbar, palette, React Flow canvas, inspector, console; perform and record modes.
// One EditorModel (store) and at most one runtime per open patch; autosave through the Autosaver.

import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  SelectionMode,
  useReactFlow,
  useStore as useFlowStore,
  type ColorMode,
  type ReactFlowState,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useStore } from 'zustand';
import type { PatchDetail, StudioApi } from './api.ts';
import { Autosaver, saveStateText, type SaveState } from './autosave.ts';
import { Console } from './Console.tsx';
import { EditorContext, useEditor, useModel } from './context.ts';
import { ConflictDialog, JsonFileInput, SettingsDialog, ShortcutsDialog, VersionsDialog } from './Dialogs.tsx';
import { hasServerNodes, validateImport, type Registry } from './graph.ts';
import { Inspector } from './Inspector.tsx';
import { categoryColor, EditorModel, portColors, type StudioFlowEdge, type StudioFlowNode } from './model.ts';
import { nodeTypes } from './NodeView.tsx';
import { dragMime, Palette } from './Palette.tsx';
import { Perform } from './Perform.tsx';
import { Record } from './Record.tsx';
import { createRuntime } from './runtime/index.ts';
import { startServerRun, type ServerRun } from './server-run.ts';
import type { PackManifest, PortType, StudioRuntime } from './types.ts';

interface Props {
  api: StudioApi;
  packs: PackManifest[];
  registry: Registry;
  detail: PatchDetail;
  onBack: () => void;
  onOpen: (detail: PatchDetail) => void;
}

type Mode = 'edit' | 'perform' | 'record';

export function Editor(props: Props) {
  const model = useMemo(() => new EditorModel(props.detail.document, props.registry), [props.detail.id, props.registry]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <EditorContext value={model}>
      <ReactFlowProvider>
        <EditorShell {...props} />
      </ReactFlowProvider>
    </EditorContext>
  );
}

function EditorShell({ api, packs, detail, onBack, onOpen }: Props) {
  const model = useModel();
  const [meta, setMeta] = useState({ name: detail.name, description: detail.description ?? '', visibility: detail.visibility });
  const metaRef = useRef(meta);
  metaRef.current = meta;
  const [mode, setMode] = useState<Mode>('edit');
  const [dialog, setDialog] = useState<'settings' | 'versions' | 'shortcuts' | 'conflict' | null>(null);
  const [consoleOpen, setConsoleOpen] = useState(true);
  const [panels, setPanels] = useState({ palette: window.innerWidth >= 768, inspector: window.innerWidth >= 1024 });
  const paletteSearch = useRef<HTMLDivElement>(null);

  // ---- autosave ----
  const saver = useMemo(
    () =>
      new Autosaver(
        async ({ baseVersion, checkpoint }) =>
          (
            await api.update(detail.id, {
              name: metaRef.current.name,
              description: metaRef.current.description || null,
              visibility: metaRef.current.visibility,
              document: model.doc,
              baseVersion,
              checkpoint,
            })
          ).version,
        detail.version,
      ),
    [api, detail.id, detail.version, model],
  );
  const [saveState, setSaveState] = useState<SaveState>('saved');
  useEffect(() => {
    const off = saver.subscribe((s) => {
      setSaveState(s);
      if (s === 'conflict') setDialog('conflict');
    });
    const unsubscribe = model.store.subscribe((state, previous) => {
      if (detail.canEdit && state.doc !== previous.doc && state.lastChange !== 'load') saver.changed();
    });
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (saver.state !== 'saved') e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      off();
      unsubscribe();
      window.removeEventListener('beforeunload', beforeUnload);
      // Leaving the patch: whatever is unsaved goes now rather than being lost.
      if (saver.state === 'dirty') void saver.saveNow(false);
      saver.dispose();
    };
  }, [saver, model, detail.canEdit]);

  // ---- runtime ----
  const [playing, setPlaying] = useState(false);
  const [volume, setVolume] = useState(0.8);
  const runtimeRef = useRef<{ runtime: StudioRuntime; context: AudioContext; offLog: () => void } | null>(null);
  const starting = useRef<Promise<StudioRuntime> | null>(null);

  const play = useCallback((): Promise<StudioRuntime> => {
    if (runtimeRef.current) return Promise.resolve(runtimeRef.current.runtime);
    starting.current ??= (async () => {
      // Created inside the click so the browser lets it make sound.
      const context = new AudioContext({ latencyHint: 'interactive' });
      try {
        await context.resume();
        const runtime = await createRuntime(context, packs, { fetch: api.authorizedFetch });
        const offLog = runtime.onLog((entry) => model.log(entry));
        setMasterVolume(runtime, volumeRef.current);
        await runtime.update(model.doc);
        runtimeRef.current = { runtime, context, offLog };
        model.runtime = runtime;
        setPlaying(true);
        return runtime;
      } catch (error) {
        await context.close().catch(() => {});
        model.log({ time: Date.now(), level: 'error', message: `Could not start audio: ${error instanceof Error ? error.message : String(error)}` });
        throw error;
      } finally {
        starting.current = null;
      }
    })();
    return starting.current;
  }, [model, packs]);

  const stop = useCallback(async () => {
    const current = runtimeRef.current;
    runtimeRef.current = null;
    model.runtime = null;
    setPlaying(false);
    if (current) {
      current.offLog();
      await current.runtime.dispose().catch(() => {});
      await current.context.close().catch(() => {});
    }
  }, [model]);

  const volumeRef = useRef(volume);
  volumeRef.current = volume;
  useEffect(() => {
    if (runtimeRef.current) setMasterVolume(runtimeRef.current.runtime, volume);
  }, [volume]);

  // The running graph follows the document (the runtime diffs); moves don't matter to it and parameter changes at the
  // top level were already sent with setParam.
  useEffect(() => {
    let pending = false;
    return model.store.subscribe((state, previous) => {
      if (state.doc === previous.doc || !runtimeRef.current || state.lastChange === 'move' || state.lastChange === 'param' || pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        const current = runtimeRef.current;
        current?.runtime.update(model.doc).catch((error: unknown) => model.log({ time: Date.now(), level: 'error', message: String(error) }));
      });
    });
  }, [model]);

  useEffect(() => () => void stop(), [stop]);

  // ---- server runs ----
  const [serverRun, setServerRun] = useState<ServerRun | null>(null);
  const serverNodes = useEditor((s) => hasServerNodes(s.doc, model.registry));
  const runOnServer = async () => {
    try {
      if (saver.state !== 'saved') await saver.saveNow(false);
      const run = await startServerRun(
        api,
        detail.id,
        30,
        (entry) => model.log(entry),
        (reason) => {
          model.log({ time: Date.now(), level: reason.startsWith('error') ? 'error' : 'info', message: `Server run ended: ${reason}` });
          setServerRun(null);
        },
      );
      setServerRun(run);
      setConsoleOpen(true);
      model.log({ time: Date.now(), level: 'info', message: `Server run ${run.runId} started.` });
    } catch (error) {
      model.log({ time: Date.now(), level: 'error', message: `Server run failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  // ---- keyboard ----
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (mode === 'perform' || (dialog !== null && dialog !== 'shortcuts')) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const handled = () => e.preventDefault();
      if (mod && key === 'z' && !e.shiftKey) (handled(), model.undo());
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) (handled(), model.redo());
      else if (mod && key === 'c') (handled(), void model.copy());
      else if (mod && key === 'x') (handled(), void model.copy(true));
      else if (mod && key === 'v') (handled(), void model.paste());
      else if (mod && key === 'd') {
        handled();
        const payload = model.copyPayload();
        if (payload) model.pastePayload(payload);
      } else if (mod && key === 'a') (handled(), model.selectAll());
      else if (mod && key === 'g' && e.shiftKey) (handled(), model.ungroupSelection());
      else if (mod && key === 'g') (handled(), model.group());
      else if (mod && key === 's') (handled(), detail.canEdit && void saver.saveNow(true));
      else if ((mod && key === 'f') || (!mod && key === '/')) {
        handled();
        setPanels((p) => ({ ...p, palette: true }));
        requestAnimationFrame(() => paletteSearch.current?.querySelector('input')?.focus());
      } else if (!mod && (key === 'delete' || key === 'backspace')) (handled(), model.deleteSelection());
      else if (!mod && e.key === '?') (handled(), setDialog((d) => (d === 'shortcuts' ? null : 'shortcuts')));
      else if (!mod && key === 'escape' && model.state.path.length > 0) model.leaveTo(model.state.path.length - 1);
      else if (!mod && key === ' ') (handled(), playing ? void stop() : void play().catch(() => {}));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [model, mode, dialog, saver, detail.canEdit, playing, play, stop]);

  // ---- import / export ----
  const fileInput = useRef<HTMLInputElement>(null);
  const exportFile = () => {
    const blob = new Blob([JSON.stringify(model.doc, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${detail.slug || 'patch'}.atelier-patch.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const importFile = async (file: File) => {
    try {
      const result = validateImport(JSON.parse(await file.text()));
      if ('error' in result) {
        model.say(result.error, 'error');
        return;
      }
      if (!window.confirm(`Replace this patch with “${file.name}”? (Ctrl+Z undoes it.)`)) return;
      model.replace(result.doc, true);
      saver.changed();
      model.say(`Imported ${file.name}.`);
    } catch {
      model.say(`${file.name} is not a JSON file.`, 'error');
    }
  };

  const reloadFromServer = async () => {
    const fresh = await api.get(detail.id);
    model.replace(fresh.document, false);
    saver.reset(fresh.version);
    setDialog(null);
  };
  const overwrite = async () => {
    const fresh = await api.get(detail.id);
    setDialog(null);
    await saver.overwrite(fresh.version);
  };

  const fork = async () => {
    const copy = await api.fork(detail.id);
    onOpen(copy);
  };

  const canUndo = useEditor((s) => s.canUndo);
  const canRedo = useEditor((s) => s.canRedo);
  const selectedCount = useEditor((s) => s.selected.length);

  const addAtCentre = useRef<(type: string) => void>(() => {});

  return (
    <div className="flex h-full flex-col">
      <header className="flex flex-wrap items-center gap-1.5 border-b border-zinc-200 px-2 py-1.5 text-sm dark:border-zinc-800">
        <button type="button" onClick={onBack} className="rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800" title="All patches">
          ← Patches
        </button>
        <button type="button" onClick={() => detail.canEdit && setDialog('settings')} className="max-w-48 truncate font-semibold" title="Name and visibility">
          {meta.name}
        </button>
        <span
          data-testid="save-state"
          data-state={detail.canEdit ? saveState : 'readonly'}
          // A fixed width: the toolbar must not shift when "Saved" becomes "Unsaved changes" on a field's blur, or
          // the click that caused the blur lands beside the button it was aimed at.
          className={`w-36 shrink-0 truncate rounded px-1.5 py-0.5 text-xs ${saveState === 'failed' || saveState === 'conflict' ? 'bg-red-100 text-red-700 dark:bg-red-950 dark:text-red-300' : 'text-zinc-500'}`}
          title={saver.error}
          role="status"
        >
          {!detail.canEdit ? (
            'Read-only'
          ) : saveState === 'failed' ? (
            <button type="button" onClick={() => void saver.saveNow(false)}>
              {saveStateText(saveState)}
            </button>
          ) : saveState === 'conflict' ? (
            <button type="button" onClick={() => setDialog('conflict')}>
              {saveStateText(saveState)}
            </button>
          ) : (
            saveStateText(saveState)
          )}
        </span>
        {!detail.canEdit && (
          <button type="button" onClick={() => void fork()} className="rounded bg-sky-600 px-2 py-1 text-white">
            Fork to edit
          </button>
        )}
        <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-800" />
        {playing ? (
          <button type="button" data-testid="stop" onClick={() => void stop()} className="rounded bg-red-600 px-3 py-1 text-white">
            ■ Stop
          </button>
        ) : (
          <button type="button" data-testid="play" onClick={() => void play().catch(() => {})} className="rounded bg-emerald-600 px-3 py-1 text-white">
            ▶ Play
          </button>
        )}
        <label className="flex items-center gap-1 text-xs" title="Master volume">
          Vol
          <input type="range" min={0} max={1} step={0.01} value={volume} onChange={(e) => setVolume(Number(e.target.value))} data-testid="volume" className="w-20" />
        </label>
        <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-800" />
        <ToolButton testId="undo" onClick={() => model.undo()} disabled={!canUndo} title="Undo (Ctrl+Z)">
          ↶
        </ToolButton>
        <ToolButton testId="redo" onClick={() => model.redo()} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)">
          ↷
        </ToolButton>
        <ToolButton testId="group" onClick={() => model.group()} disabled={selectedCount === 0} title="Group into module (Ctrl+G)">
          Group
        </ToolButton>
        <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-800" />
        <ToolButton testId="mode-perform" onClick={() => setMode('perform')} title="Perform: full-screen controls">
          Perform
        </ToolButton>
        <ToolButton testId="mode-record" onClick={() => setMode(mode === 'record' ? 'edit' : 'record')} title="Record live or render offline" active={mode === 'record'}>
          Record
        </ToolButton>
        {serverNodes && detail.canEdit && (
          serverRun ? (
            <ToolButton testId="run-server-stop" onClick={() => void serverRun.stop()} title="Stop the server run">
              ■ Server run
            </ToolButton>
          ) : (
            <ToolButton testId="run-server" onClick={() => void runOnServer()} title="Run the server-side nodes (logger, OSC…) on the server">
              Run on server
            </ToolButton>
          )
        )}
        <details className="relative">
          <summary className="cursor-pointer list-none rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800">⋯</summary>
          <div className="absolute right-0 z-30 mt-1 flex w-48 flex-col rounded border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
            {detail.canEdit && <MenuItem onClick={() => void saver.saveNow(true)}>Save version (Ctrl+S)</MenuItem>}
            {detail.canEdit && <MenuItem onClick={() => setDialog('versions')}>Versions…</MenuItem>}
            {detail.canEdit && <MenuItem onClick={() => setDialog('settings')}>Name and visibility…</MenuItem>}
            <MenuItem onClick={exportFile}>Export JSON</MenuItem>
            <MenuItem onClick={() => fileInput.current?.click()}>Import into this patch…</MenuItem>
            <MenuItem onClick={() => setDialog('shortcuts')}>Keyboard shortcuts (?)</MenuItem>
          </div>
        </details>
        <JsonFileInput ref={fileInput} testId="import-into" onFile={(file) => void importFile(file)} />
        <span className="ml-auto flex gap-1">
          <ToolButton onClick={() => setPanels((p) => ({ ...p, palette: !p.palette }))} active={panels.palette} title="Show/hide the node palette">
            Nodes
          </ToolButton>
          <ToolButton onClick={() => setPanels((p) => ({ ...p, inspector: !p.inspector }))} active={panels.inspector} title="Show/hide the inspector">
            Inspector
          </ToolButton>
        </span>
      </header>
      <Breadcrumb />
      <div className="relative flex min-h-0 flex-1">
        {panels.palette && (
          <aside ref={paletteSearch} className="absolute inset-y-0 left-0 z-20 w-56 border-r border-zinc-200 bg-white md:static dark:border-zinc-800 dark:bg-zinc-950">
            <Palette onAdd={(type) => addAtCentre.current(type)} />
          </aside>
        )}
        <main className="relative min-w-0 flex-1">
          <Canvas addAtCentre={addAtCentre} />
        </main>
        {(panels.inspector || mode === 'record') && (
          <aside className="absolute inset-y-0 right-0 z-20 w-72 overflow-y-auto border-l border-zinc-200 bg-white lg:static dark:border-zinc-800 dark:bg-zinc-950">
            {mode === 'record' ? (
              <Record packs={packs} tokens={api.tokens} fetcher={api.authorizedFetch} patchName={meta.name} ensureRuntime={play} onClose={() => setMode('edit')} />
            ) : (
              <Inspector api={api} />
            )}
          </aside>
        )}
      </div>
      <StatusLine />
      <Console open={consoleOpen} onToggle={() => setConsoleOpen((o) => !o)} />
      {mode === 'perform' && <Perform playing={playing} onPlay={() => void play().catch(() => {})} onStop={() => void stop()} onClose={() => setMode('edit')} />}
      {dialog === 'shortcuts' && <ShortcutsDialog onClose={() => setDialog(null)} />}
      {dialog === 'versions' && (
        <VersionsDialog
          api={api}
          patchId={detail.id}
          onRestored={(restored) => {
            model.replace(restored.document, false);
            saver.reset(restored.version);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'settings' && (
        <SettingsDialog
          patch={meta}
          onSave={async (settings) => {
            setMeta(settings);
            metaRef.current = settings;
            await saver.saveNow(false);
            if (saver.state === 'failed') throw new Error(saver.error);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'conflict' && <ConflictDialog onReload={() => void reloadFromServer()} onOverwrite={() => void overwrite()} onClose={() => setDialog(null)} />}
    </div>
  );
}

/** The runtime's master is a gain node before the destination; the toolbar's volume sets its gain (ramped). */
function setMasterVolume(runtime: StudioRuntime, volume: number): void {
  const master = runtime.master as Partial<GainNode>;
  if (master.gain && typeof master.gain.setTargetAtTime === 'function') {
    master.gain.setTargetAtTime(volume, runtime.context.currentTime, 0.02);
  }
}

function ToolButton({ children, onClick, disabled, title, testId, active }: { children: React.ReactNode; onClick: () => void; disabled?: boolean; title: string; testId?: string; active?: boolean }) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={disabled}
      title={title}
      aria-label={title}
      data-testid={testId}
      className={`rounded px-2 py-1 hover:bg-zinc-100 disabled:opacity-40 dark:hover:bg-zinc-800 ${active ? 'bg-zinc-200 dark:bg-zinc-800' : ''}`}
    >
      {children}
    </button>
  );
}

function MenuItem({ children, onClick }: { children: React.ReactNode; onClick: () => void }) {
  return (
    <button
      type="button"
      onClick={(e) => {
        (e.currentTarget.closest('details') as HTMLDetailsElement | null)?.removeAttribute('open');
        onClick();
      }}
      className="rounded px-2 py-1.5 text-left hover:bg-zinc-100 dark:hover:bg-zinc-800"
    >
      {children}
    </button>
  );
}

function Breadcrumb() {
  const model = useModel();
  const path = useEditor((s) => s.path);
  const modules = useEditor((s) => s.doc.modules);
  if (path.length === 0) return null;
  return (
    <nav aria-label="Sub-patch" className="flex items-center gap-1 border-b border-zinc-200 bg-pink-50 px-3 py-1 text-sm dark:border-zinc-800 dark:bg-pink-950/30" data-testid="breadcrumb">
      <button type="button" onClick={() => model.leaveTo(0)} className="underline">
        Patch
      </button>
      {path.map((id, i) => (
        <span key={`${id}-${i}`} className="flex items-center gap-1">
          ›
          {i === path.length - 1 ? (
            <b>{modules?.find((m) => m.id === id)?.name ?? id}</b>
          ) : (
            <button type="button" onClick={() => model.leaveTo(i + 1)} className="underline">
              {modules?.find((m) => m.id === id)?.name ?? id}
            </button>
          )}
        </span>
      ))}
      <span className="ml-2 text-xs text-zinc-500">Editing a module changes every use of it. Esc goes back up.</span>
    </nav>
  );
}

function StatusLine() {
  const status = useEditor((s) => s.status);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!status) return;
    setVisible(true);
    const timer = setTimeout(() => setVisible(false), 4000);
    return () => clearTimeout(timer);
  }, [status]);
  const legend = Object.entries(portColors) as [PortType, string][];
  return (
    <div className="flex items-center gap-3 border-t border-zinc-200 px-2 py-0.5 text-xs dark:border-zinc-800">
      <span role="status" aria-live="polite" data-testid="status" className={status?.level === 'error' ? 'text-red-600 dark:text-red-400' : 'text-zinc-600 dark:text-zinc-400'}>
        {visible && status ? status.text : ''}
      </span>
      <span className="ml-auto hidden gap-2 sm:flex" aria-label="Port types">
        {legend.map(([type, color]) => (
          <span key={type} className="flex items-center gap-1">
            <span className="inline-block size-2.5 rounded-full" style={{ background: color }} />
            {type}
          </span>
        ))}
      </span>
    </div>
  );
}

function useColorMode(): ColorMode {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains('dark'));
  useEffect(() => {
    const observer = new MutationObserver(() => setDark(document.documentElement.classList.contains('dark')));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
    return () => observer.disconnect();
  }, []);
  return dark ? 'dark' : 'light';
}

const farZoom = 0.45;

/** Whether every node of the open (sub-)patch is inside the canvas's visible area. */
function patchInView(s: ReactFlowState): boolean {
  const [tx, ty, zoom] = s.transform;
  for (const node of s.nodeLookup.values()) {
    const { x, y } = node.internals.positionAbsolute;
    const width = node.measured.width ?? 0;
    const height = node.measured.height ?? 0;
    if (x * zoom + tx < 0 || y * zoom + ty < 0 || (x + width) * zoom + tx > s.width || (y + height) * zoom + ty > s.height) return false;
  }
  return true;
}

function Canvas({ addAtCentre }: { addAtCentre: React.MutableRefObject<(type: string) => void> }) {
  const model = useModel();
  const nodes = useStore(model.store, (s) => s.nodes);
  const edges = useStore(model.store, (s) => s.edges);
  const moduleId = useStore(model.store, (s) => s.moduleId);
  const flow = useReactFlow<StudioFlowNode, StudioFlowEdge>();
  const colorMode = useColorMode();
  const wrapper = useRef<HTMLDivElement>(null);
  const initialViewport = useRef(model.doc.viewport ?? { x: 0, y: 0, zoom: 1 });
  // Zoomed out below this, port labels and handles are too small to read or grab and are not drawn (studio.css).
  const far = useFlowStore((s) => s.transform[2] < farZoom);
  const wholePatchInView = useFlowStore(patchInView);

  addAtCentre.current = (type: string) => {
    const box = wrapper.current?.getBoundingClientRect();
    const centre = box ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
    model.add(type, centre.x - 84, centre.y - 30);
  };

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(dragMime);
      if (!type) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      model.add(type, p.x - 84, p.y - 14);
    },
    [flow, model],
  );
  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(dragMime)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onNodeDoubleClick = useCallback((_: unknown, node: StudioFlowNode) => model.enterModule(node.id), [model]);
  const onMoveEnd = useCallback(
    (_: unknown, viewport: { x: number; y: number; zoom: number }) => {
      // The viewport is kept with the document but is no edit of its own (no undo step, no autosave).
      if (model.state.moduleId === null) model.store.setState({ doc: { ...model.doc, viewport }, lastChange: 'load' });
    },
    [model],
  );

  // The benchmarks measure opening → this mark: the nodes are on screen and the canvas takes input.
  useEffect(() => {
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('studio:interactive')));
  }, []);

  return (
    <div ref={wrapper} className="absolute inset-0" onDrop={onDrop} onDragOver={onDragOver}>
      <ReactFlow<StudioFlowNode, StudioFlowEdge>
        key={moduleId ?? ''}
        className={far ? 'studio-far' : undefined}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={model.onNodesChange}
        onEdgesChange={model.onEdgesChange}
        onNodeDragStop={model.onNodeDragStop}
        onConnect={model.onConnect}
        isValidConnection={model.isValidConnection}
        onNodeDoubleClick={onNodeDoubleClick}
        onMoveEnd={onMoveEnd}
        defaultViewport={initialViewport.current}
        colorMode={colorMode}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionMode={SelectionMode.Partial}
        zoomOnDoubleClick={false}
        minZoom={0.05}
        maxZoom={3}
        onlyRenderVisibleElements={nodes.length > 200}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <Controls />
        {/* The map shows where the view is in the patch; with the whole patch on screen it has nothing to add, and
            redrawing it at every step of a pan there (its frame follows the view) halved the frame rate. */}
        {!wholePatchInView && <MiniMap pannable zoomable nodeStrokeWidth={3} nodeColor={(n) => categoryColor((n as StudioFlowNode).data.category)} />}
      </ReactFlow>
    </div>
  );
}

