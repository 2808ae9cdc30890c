// One node on the canvas: title bar in its category's colour, typed handles coloured per port type. Memoised: React
// Flow gives it a new `data` only when the node's patch data changed, so dragging one node renders one node.
// Zoomed far out (the canvas has `studio-far`, see studio.css) the port labels and handles are skipped when drawing:
// they stay in the layout, so React Flow still measures where each edge starts and ends.

import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { categoryColor, portColors, type StudioFlowNode } from './model.ts';

const rowHeight = 20;
const headerHeight = 28;

function NodeViewInner({ data, selected }: NodeProps<StudioFlowNode>) {
  const { ports, title, category, node } = data;
  const rows = Math.max(ports.inputs.length, ports.outputs.length, 1);
  const color = categoryColor(category);
  return (
    <div
      className={`studio-node relative rounded-md border bg-white text-xs shadow-sm dark:bg-zinc-900 ${selected ? 'border-sky-500 ring-2 ring-sky-400/60' : 'border-zinc-300 dark:border-zinc-700'}`}
      style={{ width: 168, minHeight: headerHeight + rows * rowHeight + 6 }}
      title={data.manifest?.description ?? (node.type === 'module' ? 'Sub-patch: double-click to edit inside' : node.type)}
    >
      <div className="flex items-center gap-1 rounded-t-md px-2 font-semibold text-white" style={{ background: color, height: headerHeight }}>
        <span className="studio-node-title truncate">{title}</span>
        {node.type === 'module' && <span className="ml-auto text-[10px] opacity-80">module</span>}
      </div>
      <div className="studio-node-ports absolute inset-0">
        {ports.inputs.map((p, i) => (
          <div key={`in-${p.id}`} className="absolute left-2 text-zinc-600 dark:text-zinc-300" style={{ top: headerHeight + i * rowHeight + 2 }}>
            {p.name}
          </div>
        ))}
        {ports.outputs.map((p, i) => (
          <div key={`out-${p.id}`} className="absolute right-2 text-zinc-600 dark:text-zinc-300" style={{ top: headerHeight + i * rowHeight + 2 }}>
            {p.name}
          </div>
        ))}
        {ports.inputs.map((p, i) => (
          <Handle
            key={`h-in-${p.id}`}
            id={p.id}
            type="target"
            position={Position.Left}
            title={`${p.name} (${p.type} input)`}
            style={{ top: headerHeight + i * rowHeight + 10, background: portColors[p.type], width: 10, height: 10, border: '1px solid #0006' }}
          />
        ))}
        {ports.outputs.map((p, i) => (
          <Handle
            key={`h-out-${p.id}`}
            id={p.id}
            type="source"
            position={Position.Right}
            title={`${p.name} (${p.type} output)`}
            style={{ top: headerHeight + i * rowHeight + 10, background: portColors[p.type], width: 10, height: 10, border: '1px solid #0006' }}
          />
        ))}
      </div>
    </div>
  );
}

export const NodeView = memo(NodeViewInner);
export const nodeTypes = { studio: NodeView };
