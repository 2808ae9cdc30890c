import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../http.ts';
import { Autosaver, autosaveDelayMs, saveStateText, type SaveRequest, type Timers } from './autosave.ts';

function fakeTimers(): Timers & { fire(): void; pending: number } {
  let callbacks: (() => void)[] = [];
  return {
    set(callback) {
      callbacks.push(callback);
      return callback;
    },
    clear(handle) {
      callbacks = callbacks.filter((c) => c !== handle);
    },
    fire() {
      const due = callbacks;
      callbacks = [];
      for (const c of due) c();
    },
    get pending() {
      return callbacks.length;
    },
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('autosave', () => {
  it('goes dirty on an edit, saves after the delay with checkpoint:false and the base version', async () => {
    const timers = fakeTimers();
    const requests: SaveRequest[] = [];
    const saver = new Autosaver(async (r) => {
      requests.push(r);
      return r.baseVersion + 1;
    }, 3, timers);
    saver.changed();
    saver.changed();
    expect(saver.state).toBe('dirty');
    expect(timers.pending).toBe(1);
    timers.fire();
    expect(saver.state).toBe('saving');
    await vi.waitFor(() => expect(saver.state).toBe('saved'));
    expect(requests).toEqual([{ baseVersion: 3, checkpoint: false }]);
    expect(saver.version).toBe(4);
    expect(autosaveDelayMs).toBe(1500);
  });

  it('Ctrl+S saves at once as a checkpoint', async () => {
    const timers = fakeTimers();
    const requests: SaveRequest[] = [];
    const saver = new Autosaver(async (r) => (requests.push(r), 8), 7, timers);
    saver.changed();
    await saver.saveNow();
    expect(timers.pending).toBe(0);
    expect(requests).toEqual([{ baseVersion: 7, checkpoint: true }]);
    expect(saver.state).toBe('saved');
  });

  it('an edit during a save is saved afterwards with the new version', async () => {
    const timers = fakeTimers();
    const first = deferred<number>();
    const requests: SaveRequest[] = [];
    const saver = new Autosaver((r) => (requests.push(r), requests.length === 1 ? first.promise : Promise.resolve(r.baseVersion + 1)), 1, timers);
    saver.changed();
    timers.fire();
    saver.changed();
    first.resolve(2);
    await vi.waitFor(() => expect(saver.state).toBe('dirty'));
    timers.fire();
    await vi.waitFor(() => expect(saver.state).toBe('saved'));
    expect(requests.map((r) => r.baseVersion)).toEqual([1, 2]);
  });

  it('a failure says so and the next edit retries', async () => {
    const timers = fakeTimers();
    let fail = true;
    const saver = new Autosaver(async () => {
      if (fail) throw new ApiError(0, 'network down');
      return 2;
    }, 1, timers);
    saver.changed();
    timers.fire();
    await vi.waitFor(() => expect(saver.state).toBe('failed'));
    expect(saveStateText(saver.state)).toBe('Save failed — retry');
    expect(saver.error).toBe('network down');
    fail = false;
    await saver.saveNow();
    expect(saver.state).toBe('saved');
  });

  it('a 409 stops autosaving until the user overwrites or reloads', async () => {
    const timers = fakeTimers();
    const requests: SaveRequest[] = [];
    const saver = new Autosaver(async (r) => {
      requests.push(r);
      if (r.baseVersion === 1) throw new ApiError(409, 'The patch changed.');
      return r.baseVersion + 1;
    }, 1, timers);
    saver.changed();
    timers.fire();
    await vi.waitFor(() => expect(saver.state).toBe('conflict'));
    saver.changed();
    expect(timers.pending).toBe(0);
    await saver.overwrite(5);
    expect(saver.state).toBe('saved');
    expect(requests.at(-1)).toEqual({ baseVersion: 5, checkpoint: true });
  });
});
