import { describe, expect, it } from 'vitest';
import { chain, registry } from './fixtures.ts';
import { coalesceWindowMs, History, historyLimit } from './history.ts';
import { EditorModel, fromFlowEdges, fromFlowNodes, toFlowEdges, toFlowNodes, type ClipboardAccess } from './model.ts';
import type { PatchDocument } from './types.ts';

function memoryClipboard(denied = false): ClipboardAccess & { text: string } {
  const clip = {
    text: '',
    async write(text: string) {
      if (denied) throw new DOMException('denied', 'NotAllowedError');
      clip.text = text;
    },
    async read() {
      return clip.text;
    },
  };
  return clip;
}

describe('document ↔ React Flow', () => {
  it('converts nodes and edges both ways without loss', () => {
    const doc = chain();
    const nodes = toFlowNodes(doc, null, registry);
    const edges = toFlowEdges(doc, null, registry);
    expect(nodes.map((n) => [n.id, n.position.x, n.position.y, n.data.title, n.data.category])).toContainEqual(['osc', 0, 0, 'Oscillator', 'generators']);
    expect(edges.find((e) => e.id === 'e4')).toMatchObject({ source: 'lfo', sourceHandle: 'out', target: 'flt', targetHandle: 'cutoff', data: { type: 'control' } });
    expect(fromFlowNodes(nodes)).toEqual(doc.nodes);
    expect(fromFlowEdges(edges)).toEqual(doc.edges);
  });

  it('reuses the flow node objects of unchanged nodes after an edit', () => {
    const model = new EditorModel(chain(), registry);
    const before = model.state.nodes;
    model.setParam('flt', 'cutoff', 800);
    const after = model.state.nodes;
    expect(after.find((n) => n.id === 'flt')).not.toBe(before.find((n) => n.id === 'flt'));
    expect(after.filter((n) => n.id !== 'flt').every((n) => before.includes(n))).toBe(true);
  });

  it('a drag moves flow nodes only; the document learns the position at drag stop, as one undo step', () => {
    const model = new EditorModel(chain(), registry);
    const doc = model.doc;
    for (let x = 1; x <= 20; x++) {
      model.onNodesChange([{ type: 'position', id: 'osc', position: { x, y: x }, dragging: true }]);
    }
    expect(model.doc).toBe(doc);
    model.onNodesChange([{ type: 'position', id: 'osc', position: { x: 20, y: 20 }, dragging: false }]);
    expect(model.doc.nodes.find((n) => n.id === 'osc')).toMatchObject({ x: 20, y: 20 });
    model.undo();
    expect(model.doc.nodes.find((n) => n.id === 'osc')).toMatchObject({ x: 0, y: 0 });
    expect(model.state.nodes.find((n) => n.id === 'osc')!.position).toEqual({ x: 0, y: 0 });
  });

  it('refuses a wrong connection with a visible reason', () => {
    const model = new EditorModel({ ...chain(), nodes: [...chain().nodes, { id: 'env', type: 'core.envelope', x: 0, y: 0 }] }, registry);
    expect(model.isValidConnection({ source: 'osc', sourceHandle: 'out', target: 'env', targetHandle: 'gate' })).toBe(false);
    expect(model.connect({ node: 'osc', port: 'out' }, { node: 'env', port: 'gate' })).toBe(false);
    expect(model.state.status).toMatchObject({ text: 'Audio output cannot feed a trigger input', level: 'error' });
    expect(model.state.canUndo).toBe(false);
  });
});

describe('undo/redo', () => {
  it('coalesces a slider move into one step and keeps separate gestures apart', () => {
    let now = 0;
    const model = new EditorModel(chain(), registry, memoryClipboard(), () => now);
    for (let v = 100; v <= 1000; v += 100) {
      now += 16;
      model.setParam('flt', 'cutoff', v);
    }
    model.endGesture();
    now += 16;
    model.setParam('flt', 'cutoff', 50);
    expect(model.history.size).toBe(2);
    model.undo();
    expect(model.doc.nodes.find((n) => n.id === 'flt')!.params!.cutoff).toBe(1000);
    model.undo();
    expect(model.doc.nodes.find((n) => n.id === 'flt')!.params!.cutoff).toBe(2000);
    model.redo();
    model.redo();
    expect(model.doc.nodes.find((n) => n.id === 'flt')!.params!.cutoff).toBe(50);
  });

  it('does not coalesce the same key after a pause', () => {
    let now = 0;
    const history = new History(historyLimit, () => now);
    const a = chain();
    history.record(a, 'k');
    now += coalesceWindowMs + 1;
    history.record(a, 'k');
    expect(history.size).toBe(2);
  });

  it('keeps at most 200 steps and a new edit clears redo', () => {
    const history = new History();
    const docs: PatchDocument[] = Array.from({ length: 250 }, () => chain());
    for (const d of docs) history.record(d);
    expect(history.size).toBe(200);
    const current = chain();
    expect(history.undo(current)).toBe(docs[249]);
    expect(history.canRedo).toBe(true);
    history.record(current);
    expect(history.canRedo).toBe(false);
  });
});

describe('editor actions', () => {
  it('copy/paste renames ids, offsets positions and drops edges to outside', async () => {
    const clipboard = memoryClipboard();
    const model = new EditorModel(chain(), registry, clipboard);
    model.select(['flt', 'amp']);
    await model.copy();
    const other = new EditorModel({ format: 'atelier.patch', version: 1, nodes: [{ id: 'flt', type: 'core.filter', x: 0, y: 0 }], edges: [] }, registry, clipboard);
    await other.paste();
    expect(other.doc.nodes.map((n) => n.id)).toEqual(['flt', 'filter', 'gain']);
    expect(other.doc.nodes[1]).toMatchObject({ x: 280, y: 40 });
    expect(other.doc.edges.map((e) => `${e.from.node}.${e.from.port}>${e.to.node}.${e.to.port}`)).toEqual(['filter.out>gain.in']);
    expect(other.state.selected).toEqual(['filter', 'gain']);
  });

  it('falls back to the in-memory clipboard when permission is denied', async () => {
    const model = new EditorModel(chain(), registry, memoryClipboard(true));
    model.select(['osc']);
    await model.copy();
    expect(model.state.status!.text).toContain('clipboard access was refused');
  });

  it('groups with Ctrl+G, edits inside, ungroups back to the same patch', () => {
    const model = new EditorModel(chain(), registry);
    model.select(['flt', 'amp']);
    expect(model.group('Tone')).toBe(true);
    const moduleNode = model.state.selected[0]!;
    expect(model.doc.nodes.find((n) => n.id === moduleNode)!.type).toBe('module');
    model.enterModule(moduleNode);
    expect(model.state.path).toEqual(['tone']);
    expect(model.state.nodes.map((n) => n.id)).toEqual(['flt', 'amp']);
    model.setParam('flt', 'cutoff', 500, false);
    model.leaveTo(0);
    expect(model.state.moduleId).toBeNull();
    model.select([moduleNode]);
    expect(model.ungroupSelection()).toBe(true);
    expect(model.doc.nodes.find((n) => n.id === 'flt')!.params!.cutoff).toBe(500);
    expect(model.doc.edges.map((e) => `${e.from.node}>${e.to.node}.${e.to.port}`).sort()).toEqual(['amp>out.in', 'flt>amp.in', 'lfo>flt.cutoff', 'osc>flt.in']);
  });

  it('delete removes selected nodes and edges in one undoable step', () => {
    const model = new EditorModel(chain(), registry);
    model.select(['lfo', 'osc']);
    model.deleteSelection();
    expect(model.doc.nodes.map((n) => n.id)).toEqual(['flt', 'amp', 'out']);
    model.undo();
    expect(model.doc.nodes).toHaveLength(5);
  });
});
