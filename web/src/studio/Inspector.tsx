// The inspector: every parameter of the selected node's manifest with the control its kind calls for, the node's
// label, "expose in perform mode" per parameter (document.controls), and for modules their name and exposed ports.

import { useCallback, useEffect, useState } from 'react';
import type { MediaItem, StudioApi } from './api.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { SimpleParamControl } from './controls.tsx';
import { useEditor, useModel } from './context.ts';
import { paramValue, portsOf } from './graph.ts';
import type { ParamSpec, ParamValue, PatchNode } from './types.ts';

export function Inspector({ api }: { api: StudioApi | null }) {
  const model = useModel();
  const selected = useEditor((s) => s.selected);
  const moduleId = useEditor((s) => s.moduleId);
  const node = useEditor((s) => (s.selected.length === 1 ? s.nodes.find((n) => n.id === s.selected[0])?.data.node : undefined));
  if (!node) {
    return (
      <div className="p-3 text-sm text-zinc-500">
        {selected.length > 1 ? (
          <>
            <p>{selected.length} nodes selected.</p>
            <button type="button" onClick={() => model.group()} className="mt-2 rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700">
              Group into module (Ctrl+G)
            </button>
          </>
        ) : (
          <p>Select a node to edit its parameters. Shift-drag selects several; press ? for shortcuts.</p>
        )}
      </div>
    );
  }
  return <NodeInspector key={`${moduleId ?? ''}:${node.id}`} node={node} api={api} />;
}

function NodeInspector({ node, api }: { node: PatchNode; api: StudioApi | null }) {
  const model = useModel();
  const moduleId = useEditor((s) => s.moduleId);
  const controls = useEditor((s) => s.doc.controls);
  const module = useEditor((s) => (node.type === 'module' ? s.doc.modules?.find((m) => m.id === node.module) : undefined));
  const currentModule = useEditor((s) => (s.moduleId ? s.doc.modules?.find((m) => m.id === s.moduleId) : undefined));
  const manifest = node.type === 'module' ? undefined : model.registry.get(node.type);
  const change = useCallback((param: string) => (value: ParamValue) => model.setParam(node.id, param, value), [model, node.id]);
  const end = useCallback(() => model.endGesture(), [model]);

  return (
    <div className="space-y-3 p-3 text-sm">
      <div>
        <div className="text-xs text-zinc-500">{node.type === 'module' ? `Module · ${node.module}` : node.type}</div>
        <label className="mt-1 block">
          <span className="text-xs text-zinc-500">Label</span>
          <input
            defaultValue={node.label ?? ''}
            maxLength={100}
            placeholder={module?.name ?? manifest?.name}
            onBlur={(e) => model.setLabel(node.id, e.target.value)}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'Enter') model.setLabel(node.id, e.currentTarget.value);
            }}
            className="mt-0.5 w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
          />
        </label>
        {manifest?.description && <p className="mt-1 text-xs text-zinc-500">{manifest.description}</p>}
      </div>

      {module && (
        <div className="space-y-2 rounded border border-pink-300/50 p-2">
          <label className="block">
            <span className="text-xs text-zinc-500">Module name (every use)</span>
            <input
              defaultValue={module.name}
              maxLength={100}
              onBlur={(e) => model.renameModule(module.id, e.target.value)}
              onKeyDown={(e) => e.stopPropagation()}
              className="mt-0.5 w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
            />
          </label>
          <div className="flex gap-2">
            <button type="button" onClick={() => model.enterModule(node.id)} className="rounded bg-pink-600 px-2 py-1 text-white">
              Edit inside
            </button>
            <button type="button" onClick={() => model.ungroupSelection()} className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700">
              Ungroup
            </button>
          </div>
        </div>
      )}

      {manifest?.params.map((spec) => (
        <ParamRow
          key={spec.id}
          spec={spec}
          value={paramValue(node, spec)}
          onChange={change(spec.id)}
          onEnd={end}
          api={api}
          exposed={moduleId === null ? (controls ?? []).some((c) => c.node === node.id && c.param === spec.id) : null}
          onExpose={(on) => model.setExposed(node.id, spec.id, on)}
        />
      ))}

      {currentModule && <ModulePorts node={node} />}
    </div>
  );
}

function ModulePorts({ node }: { node: PatchNode }) {
  const model = useModel();
  const doc = useEditor((s) => s.doc);
  const moduleId = useEditor((s) => s.moduleId);
  const module = doc.modules?.find((m) => m.id === moduleId);
  if (!module) return null;
  const ports = portsOf(node, doc, model.registry);
  return (
    <fieldset className="rounded border border-zinc-300 p-2 dark:border-zinc-700">
      <legend className="px-1 text-xs text-zinc-500">Ports of the module</legend>
      {(['inputs', 'outputs'] as const).map((side) =>
        ports[side].map((p) => (
          <label key={`${side}-${p.id}`} className="flex items-center gap-2 text-xs">
            <input
              type="checkbox"
              checked={module[side].some((x) => x.node === node.id && x.port === p.id)}
              onChange={(e) => model.setModulePort(side, node.id, p.id, e.target.checked)}
            />
            expose {side === 'inputs' ? 'input' : 'output'} “{p.name}” ({p.type})
          </label>
        )),
      )}
    </fieldset>
  );
}

interface RowProps {
  spec: ParamSpec;
  value: ParamValue;
  onChange: (value: ParamValue) => void;
  onEnd: () => void;
  api: StudioApi | null;
  /** null inside a module (controls name top-level nodes only). */
  exposed: boolean | null;
  onExpose: (on: boolean) => void;
}

function ParamRow({ spec, value, onChange, onEnd, api, exposed, onExpose }: RowProps) {
  const testId = `param-${spec.id}`;
  let control;
  if (spec.kind === 'text') {
    if (spec.language === 'strudel') {
      control = <CodeEditor value={String(value)} maxLength={spec.maxLength} onApply={(code) => (onChange(code), onEnd())} testId={testId} />;
    } else if (spec.multiline) {
      control = (
        <textarea
          data-testid={testId}
          defaultValue={String(value)}
          maxLength={spec.maxLength}
          rows={4}
          onBlur={(e) => (onChange(e.target.value), onEnd())}
          onKeyDown={(e) => e.stopPropagation()}
          className="w-full rounded border border-zinc-300 bg-white px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
        />
      );
    } else {
      control = (
        <input
          data-testid={testId}
          defaultValue={String(value)}
          maxLength={spec.maxLength}
          onBlur={(e) => (onChange(e.target.value), onEnd())}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter') (onChange(e.currentTarget.value), onEnd());
          }}
          className="w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        />
      );
    }
  } else if (spec.kind === 'media') {
    control = <MediaPicker api={api} value={String(value)} onChange={(v) => (onChange(v), onEnd())} testId={testId} />;
  } else {
    control = <SimpleParamControl spec={spec} value={value} onChange={onChange} onEnd={onEnd} testId={testId} />;
  }
  return (
    <div className="border-t border-zinc-200 pt-2 dark:border-zinc-800">
      <div className="mb-1 flex items-center justify-between gap-2">
        <span className="font-medium">{spec.name}</span>
        {exposed !== null && (
          <label className="flex items-center gap-1 text-[11px] text-zinc-500" title="Show this parameter in perform mode and in embeds">
            <input type="checkbox" checked={exposed} onChange={(e) => onExpose(e.target.checked)} data-testid={`expose-${spec.id}`} />
            perform
          </label>
        )}
      </div>
      {control}
    </div>
  );
}

/** Picks an audio item of the user's media library (GET /api/v1/media?kind=audio); the value is the item's id. */
function MediaPicker({ api, value, onChange, testId }: { api: StudioApi | null; value: string; onChange: (id: string) => void; testId: string }) {
  const [items, setItems] = useState<MediaItem[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!api) return;
    let live = true;
    api.audio().then(
      (page) => live && setItems(page.items),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api]);
  return (
    <div>
      <select
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="w-full rounded border border-zinc-300 bg-white px-1.5 py-1 dark:border-zinc-700 dark:bg-zinc-900"
      >
        <option value="">— none —</option>
        {value && !items?.some((i) => i.id === value) && <option value={value}>{value}</option>}
        {items?.map((item) => (
          <option key={item.id} value={item.id}>
            {item.title || item.fileName}
          </option>
        ))}
      </select>
      {items?.length === 0 && <p className="mt-1 text-xs text-zinc-500">No audio in your media library yet.</p>}
      {error && <p className="mt-1 text-xs text-red-600">{error}</p>}
    </div>
  );
}
