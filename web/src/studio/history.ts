// Undo/redo over whole documents. Documents are immutable (every edit makes a new object sharing the unchanged
// parts), so a step costs one reference. A drag or a slider move sends many changes with the same coalescing key in
// quick succession; they become one step, so Ctrl+Z undoes the whole gesture.

import type { PatchDocument } from './types.ts';

export const historyLimit = 200;
/** Changes with the same key closer together than this are one step. */
export const coalesceWindowMs = 1000;

export class History {
  #past: PatchDocument[] = [];
  #future: PatchDocument[] = [];
  #lastKey: string | null = null;
  #lastAt = 0;

  constructor(
    private readonly limit = historyLimit,
    private readonly now: () => number = Date.now,
  ) {}

  get canUndo(): boolean {
    return this.#past.length > 0;
  }

  get canRedo(): boolean {
    return this.#future.length > 0;
  }

  get size(): number {
    return this.#past.length;
  }

  /**
   * Records that the document was `before` and is about to change. With a `key` equal to the previous change's and
   * within the window, the change joins the previous step (the gesture's first `before` stays the undo target).
   */
  record(before: PatchDocument, key?: string): void {
    const at = this.now();
    const coalesce = key !== undefined && key === this.#lastKey && at - this.#lastAt < coalesceWindowMs && this.#past.length > 0;
    this.#lastKey = key ?? null;
    this.#lastAt = at;
    this.#future = [];
    if (coalesce) {
      return;
    }
    this.#past.push(before);
    if (this.#past.length > this.limit) {
      this.#past.splice(0, this.#past.length - this.limit);
    }
  }

  /** Ends the current gesture: the next change starts a step of its own even with the same key. */
  seal(): void {
    this.#lastKey = null;
  }

  /** The document to go back to (and remembers `current` for redo), or null when there is nothing to undo. */
  undo(current: PatchDocument): PatchDocument | null {
    const previous = this.#past.pop();
    if (previous === undefined) {
      return null;
    }
    this.#future.push(current);
    this.#lastKey = null;
    return previous;
  }

  redo(current: PatchDocument): PatchDocument | null {
    const next = this.#future.pop();
    if (next === undefined) {
      return null;
    }
    this.#past.push(current);
    this.#lastKey = null;
    return next;
  }

  clear(): void {
    this.#past = [];
    this.#future = [];
    this.#lastKey = null;
  }
}
