// The node palette: every node type by category plus this patch's modules, filtered as you type. Enter or a double
// click adds the first/clicked type at the centre of the view; dragging an item onto the canvas drops it there.

import { useMemo, useState, type KeyboardEvent } from 'react';
import { useEditor, useModel } from './context.ts';
import { categoryColor } from './model.ts';

export const dragMime = 'application/x-atelier-node';

export interface PaletteItem {
  type: string; // a node type, or module:ID
  name: string;
  category: string;
  description: string;
}

const categoryOrder = ['generators', 'processors', 'visualizers', 'io', 'modules'];

export function filterPalette(items: readonly PaletteItem[], query: string): PaletteItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((item) => {
    const text = `${item.name} ${item.type} ${item.category} ${item.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const model = useModel();
  const modules = useEditor((s) => s.doc.modules);
  const moduleId = useEditor((s) => s.moduleId);
  const [query, setQuery] = useState('');
  const items = useMemo(() => {
    const list: PaletteItem[] = [...model.registry.values()].map((m) => ({ type: m.type, name: m.name, category: m.category, description: m.description }));
    for (const m of modules ?? []) {
      // A module cannot be placed inside itself.
      if (m.id !== moduleId) {
        list.push({ type: `module:${m.id}`, name: m.name, category: 'modules', description: `Sub-patch with ${m.nodes.length} nodes` });
      }
    }
    return list;
  }, [model.registry, modules, moduleId]);
  const visible = useMemo(() => filterPalette(items, query), [items, query]);
  const groups = useMemo(() => {
    const byCategory = new Map<string, PaletteItem[]>();
    for (const item of visible) {
      byCategory.set(item.category, [...(byCategory.get(item.category) ?? []), item]);
    }
    return [...byCategory.entries()].sort(([a], [b]) => rank(a) - rank(b));
  }, [visible]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && visible[0]) {
      event.preventDefault();
      onAdd(visible[0].type);
    } else if (event.key === 'Escape') {
      setQuery('');
    }
  };

  return (
    <div className="flex h-full flex-col">
      <input
        type="search"
        data-testid="palette-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder="Search nodes…"
        aria-label="Search nodes"
        className="m-2 rounded border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      />
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        {groups.length === 0 && <p className="p-2 text-sm text-zinc-500">No node matches “{query}”.</p>}
        {groups.map(([category, list]) => (
          <section key={category} className="mb-2">
            <h3 className="px-1 py-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">{category}</h3>
            <ul>
              {list.map((item) => (
                <li key={item.type}>
                  <button
                    type="button"
                    draggable
                    data-testid={`palette-item-${item.type}`}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(dragMime, item.type);
                      e.dataTransfer.effectAllowed = 'copy';
                    }}
                    onDoubleClick={() => onAdd(item.type)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') {
                        e.preventDefault();
                        onAdd(item.type);
                      }
                    }}
                    title={item.description}
                    className="flex w-full cursor-grab items-center gap-2 rounded px-2 py-1 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
                  >
                    <span className="inline-block size-2.5 shrink-0 rounded-full" style={{ background: categoryColor(item.category) }} />
                    <span className="truncate">{item.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <p className="border-t border-zinc-200 px-3 py-1.5 text-[11px] text-zinc-500 dark:border-zinc-800">Double-click, Enter or drag onto the canvas</p>
    </div>
  );
}

function rank(category: string): number {
  const i = categoryOrder.indexOf(category);
  return i === -1 ? categoryOrder.length - 1 : i;
}
