// The console panel: logger nodes, runtime errors and server-run logs, coloured by level; collapsible; clear.

import { memo, useEffect, useRef } from 'react';
import { useEditor, useModel } from './context.ts';

const levelClass = { info: 'text-zinc-700 dark:text-zinc-300', warn: 'text-amber-600 dark:text-amber-400', error: 'text-red-600 dark:text-red-400' } as const;

export const Console = memo(function Console({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const model = useModel();
  const logs = useEditor((s) => s.logs);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [logs, open]);
  const errors = logs.filter((l) => l.level === 'error').length;
  return (
    <section data-testid="console" className="border-t border-zinc-200 bg-zinc-50 text-xs dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex items-center gap-2 px-2 py-1">
        <button type="button" onClick={onToggle} aria-expanded={open} className="font-semibold">
          {open ? '▾' : '▸'} Console ({logs.length}
          {errors > 0 ? `, ${errors} error${errors === 1 ? '' : 's'}` : ''})
        </button>
        <button type="button" onClick={() => model.clearLogs()} className="ml-auto rounded px-2 py-0.5 hover:bg-zinc-200 dark:hover:bg-zinc-800">
          Clear
        </button>
      </div>
      {open && (
        <div ref={list} className="h-32 overflow-y-auto px-2 pb-1 font-mono" role="log" aria-live="polite">
          {logs.length === 0 && <p className="text-zinc-500">Logger nodes, errors and server runs write here.</p>}
          {logs.map((entry, i) => (
            <div key={i} className={levelClass[entry.level]} data-level={entry.level}>
              <span className="text-zinc-400">{new Date(entry.time).toLocaleTimeString()}</span> {entry.node ? <b>[{entry.node}] </b> : null}
              {entry.message}
            </div>
          ))}
        </div>
      )}
    </section>
  );
});
