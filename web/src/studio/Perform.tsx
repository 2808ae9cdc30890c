// Perform mode: the patch's exposed controls (document.controls) as big knobs, menus and switches, full screen where
// the browser allows (else a covering overlay), with large touch targets for a tablet.

import { useEffect, useRef } from 'react';
import { SimpleParamControl } from './controls.tsx';
import { useEditor, useModel } from './context.ts';
import { paramValue } from './graph.ts';

export function Perform({ playing, onPlay, onStop, onClose }: { playing: boolean; onPlay: () => void; onStop: () => void; onClose: () => void }) {
  const model = useModel();
  const controls = useEditor((s) => s.doc.controls ?? []);
  const nodes = useEditor((s) => s.doc.nodes);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = root.current;
    // Fullscreen may be refused (iOS Safari, an iframe without allow): the fixed overlay is the fallback.
    element?.requestFullscreen?.().catch(() => {});
    const onChange = () => {
      if (!document.fullscreenElement) onClose();
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    };
  }, [onClose]);

  return (
    <div ref={root} className="fixed inset-0 z-50 flex flex-col overflow-y-auto bg-zinc-950 p-4 text-zinc-100 dark" data-testid="perform-view">
      <div className="mb-4 flex items-center gap-3">
        <button
          type="button"
          onClick={playing ? onStop : onPlay}
          className={`min-h-14 min-w-28 rounded-xl px-6 text-xl font-semibold ${playing ? 'bg-red-600' : 'bg-emerald-600'}`}
        >
          {playing ? '■ Stop' : '▶ Play'}
        </button>
        <button type="button" onClick={onClose} className="ml-auto min-h-14 rounded-xl border border-zinc-600 px-6 text-lg">
          Exit
        </button>
      </div>
      {controls.length === 0 && (
        <p className="text-lg text-zinc-400">No controls are exposed yet: in edit mode, tick “perform” beside a parameter in the inspector.</p>
      )}
      <div className="grid grid-cols-[repeat(auto-fill,minmax(180px,1fr))] gap-4">
        {controls.map((control) => {
          const node = nodes.find((n) => n.id === control.node);
          const spec = node ? model.registry.get(node.type)?.params.find((p) => p.id === control.param) : undefined;
          if (!node || !spec) return null;
          return (
            <div key={`${control.node}.${control.param}`} className="flex flex-col items-center gap-3 rounded-2xl bg-zinc-900 p-4">
              <div className="text-center text-lg font-semibold">{control.label ?? `${node.label ?? node.id} ${spec.name}`}</div>
              {spec.kind === 'number' || spec.kind === 'choice' || spec.kind === 'toggle' ? (
                <SimpleParamControl
                  big
                  spec={spec}
                  value={paramValue(node, spec)}
                  onChange={(v) => model.setParam(node.id, spec.id, v)}
                  onEnd={() => model.endGesture()}
                  testId={`perform-${control.node}-${control.param}`}
                />
              ) : (
                <span className="text-zinc-500">{String(paramValue(node, spec))}</span>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
