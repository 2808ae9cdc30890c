// The save state machine behind the toolbar's indicator: "Saved" → (an edit) "Unsaved changes" → (1.5 s without
// edits, or Ctrl+S) "Saving…" → "Saved" or "Save failed — retry"; a 409 (someone else saved a newer version) stops
// autosaving until the user reloads or overwrites. Edits during a save mark the document dirty again and save
// once more afterwards. Timers and the PUT are injected so autosave.test.ts drives it without a server.

import { ApiError } from '../http.ts';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'failed' | 'conflict';

export const autosaveDelayMs = 1500;

export interface SaveRequest {
  baseVersion: number;
  checkpoint: boolean;
}

/** Saves the current document; resolves with the version the server now has. */
export type SaveFunction = (request: SaveRequest) => Promise<number>;

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Autosaver {
  #state: SaveState = 'saved';
  #version: number;
  #timer: unknown = null;
  #running: Promise<void> | null = null;
  /** Changed since the save under way started. */
  #changedDuringSave = false;
  #checkpointPending = false;
  #error = '';
  readonly #listeners = new Set<(state: SaveState) => void>();

  constructor(
    private readonly save: SaveFunction,
    version: number,
    private readonly timers: Timers = realTimers,
    private readonly delay = autosaveDelayMs,
  ) {
    this.#version = version;
  }

  get state(): SaveState {
    return this.#state;
  }

  get version(): number {
    return this.#version;
  }

  /** The last failure's words (for the tooltip of "Save failed"). */
  get error(): string {
    return this.#error;
  }

  subscribe(listener: (state: SaveState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The document changed: save it after a quiet moment. */
  changed(): void {
    if (this.#state === 'conflict') {
      return;
    }
    if (this.#running) {
      this.#changedDuringSave = true;
      return;
    }
    this.#set('dirty');
    this.#schedule();
  }

  /** Saves now (Ctrl+S: a checkpoint, a version of its own). */
  saveNow(checkpoint = true): Promise<void> {
    this.#cancelTimer();
    if (checkpoint) {
      this.#checkpointPending = true;
    }
    if (this.#running) {
      this.#changedDuringSave = true;
      return this.#running;
    }
    return this.#run();
  }

  /** After a conflict: take the server's newer version as the base and overwrite it with ours. */
  overwrite(serverVersion: number): Promise<void> {
    this.#version = serverVersion;
    this.#set('dirty');
    return this.saveNow(true);
  }

  /** After a conflict the user reloaded: start over from the server's version. */
  reset(version: number): void {
    this.#cancelTimer();
    this.#version = version;
    this.#changedDuringSave = false;
    this.#checkpointPending = false;
    this.#set('saved');
  }

  dispose(): void {
    this.#cancelTimer();
    this.#listeners.clear();
  }

  #schedule(): void {
    this.#cancelTimer();
    this.#timer = this.timers.set(() => {
      this.#timer = null;
      void this.#run();
    }, this.delay);
  }

  #cancelTimer(): void {
    if (this.#timer !== null) {
      this.timers.clear(this.#timer);
      this.#timer = null;
    }
  }

  #run(): Promise<void> {
    const checkpoint = this.#checkpointPending;
    this.#checkpointPending = false;
    this.#changedDuringSave = false;
    this.#set('saving');
    this.#running = this.save({ baseVersion: this.#version, checkpoint })
      .then(
        (version) => {
          this.#version = version;
          this.#error = '';
          if (this.#changedDuringSave || this.#checkpointPending) {
            this.#set('dirty');
            this.#schedule();
          } else {
            this.#set('saved');
          }
        },
        (error: unknown) => {
          this.#error = error instanceof Error ? error.message : String(error);
          this.#set(error instanceof ApiError && error.status === 409 ? 'conflict' : 'failed');
        },
      )
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  #set(state: SaveState): void {
    if (this.#state !== state) {
      this.#state = state;
      for (const listener of this.#listeners) {
        listener(state);
      }
    }
  }
}

export function saveStateText(state: SaveState): string {
  switch (state) {
    case 'saved':
      return 'Saved';
    case 'dirty':
      return 'Unsaved changes';
    case 'saving':
      return 'Saving…';
    case 'failed':
      return 'Save failed — retry';
    case 'conflict':
      return 'Changed elsewhere';
  }
}
