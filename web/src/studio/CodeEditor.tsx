// A code field with syntax highlighting for Strudel: a transparent textarea over a <pre> of highlighted spans (the
// textarea keeps native editing, selection, IME and undo). Ctrl+Enter (Cmd+Enter) applies the code.

import { useEffect, useMemo, useRef, useState } from 'react';
import { highlight, tokenClasses } from './highlight.ts';

interface Props {
  value: string;
  maxLength: number;
  onApply: (code: string) => void;
  testId?: string;
}

export function CodeEditor({ value, maxLength, onApply, testId }: Props) {
  const [draft, setDraft] = useState(value);
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => setDraft(value), [value]);
  const tokens = useMemo(() => highlight(draft), [draft]);
  const changed = draft !== value;
  const shared = 'm-0 whitespace-pre-wrap break-words p-2 font-mono text-[13px] leading-5';
  return (
    <div>
      <div className="relative rounded border border-zinc-300 bg-white dark:border-zinc-700 dark:bg-zinc-950">
        <pre ref={pre} aria-hidden="true" className={`${shared} pointer-events-none absolute inset-0 overflow-hidden`}>
          {tokens.map((t, i) => (
            <span key={i} className={tokenClasses[t.kind]}>
              {t.text}
            </span>
          ))}
          {'\n'}
        </pre>
        <textarea
          data-testid={testId}
          value={draft}
          maxLength={maxLength}
          spellCheck={false}
          rows={Math.min(14, Math.max(4, draft.split('\n').length + 1))}
          onChange={(e) => setDraft(e.target.value)}
          onScroll={(e) => {
            if (pre.current) pre.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              onApply(draft);
            }
            // Keep the canvas shortcuts (Delete, Ctrl+Z…) away from the text.
            e.stopPropagation();
          }}
          className={`${shared} relative block w-full resize-y bg-transparent text-transparent caret-zinc-900 outline-none dark:caret-zinc-100`}
          aria-label="Pattern code"
        />
      </div>
      <div className="mt-1 flex items-center gap-2 text-xs text-zinc-500">
        <button type="button" onClick={() => onApply(draft)} disabled={!changed} className="rounded bg-sky-600 px-2 py-0.5 text-white disabled:opacity-40">
          Apply
        </button>
        <span>{changed ? 'Ctrl+Enter applies' : 'Applied'}</span>
      </div>
    </div>
  );
}
