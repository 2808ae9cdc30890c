// The studio's browser runtime: createRuntime (live or offline), renderOffline and encodeWav.
// The editor and the embed import this module lazily (it is only needed once someone presses play).
import type { LogEntry, PackManifest, PatchDocument, StudioRuntime } from '../types';
import type { NodeFactory, NodeModule } from './api';
import { Engine, type RuntimeOptions } from './engine';
import { createCoreNodes } from './nodes/core';
import { StrudelHost } from './strudel-host';
import workletUrl from './worklets.ts?worker&url';

export type { NodeContext, NodeFactory, NodeInstance, NodeModule, NodeMessage, MidiMessage, TriggerMessage } from './api';
export { encodeWav, encodeWavBytes } from './wav';
export type { RuntimeOptions } from './engine';

/** Where the Strudel sandbox page is served (src/Atelier/Features/Studio/StrudelSandbox.cs). */
export const STRUDEL_SANDBOX_URL = '/studio/strudel-sandbox';

const pluginModules = new Map<string, Promise<Record<string, NodeFactory>>>();

/** Imports a pack's module once per page; a broken plugin is reported, never fatal. */
function loadPackModule(pack: PackManifest): Promise<Record<string, NodeFactory>> {
  const url = pack.moduleUrl!;
  let loading = pluginModules.get(url);
  if (loading === undefined) {
    loading = (import(/* @vite-ignore */ url) as Promise<{ default?: Partial<NodeModule> }>).then((module) => {
      const nodes = module.default?.nodes;
      if (typeof nodes !== 'object' || nodes === null) throw new Error(`${url} has no default export { nodes }.`);
      return nodes;
    });
    pluginModules.set(url, loading);
    loading.catch(() => pluginModules.delete(url));
  }
  return loading;
}

/** Loads plugin modules of the packs and builds a runtime on `context` (an AudioContext or OfflineAudioContext). */
export async function createRuntime(context: BaseAudioContext, packs: PackManifest[], options: RuntimeOptions = {}): Promise<StudioRuntime> {
  return createEngine(context, packs, options);
}

async function createEngine(context: BaseAudioContext, packs: PackManifest[], options: RuntimeOptions, onLog?: (e: LogEntry) => void): Promise<Engine> {
  const modules = new Map<string, Record<string, NodeFactory>>();
  const failures: LogEntry[] = [];
  let host: StrudelHost | undefined;
  const engineRef: { engine?: Engine } = {};
  for (const pack of packs) {
    if (pack.moduleUrl === null) continue;
    try {
      modules.set(pack.id, await loadPackModule(pack));
    } catch (error) {
      failures.push({ time: Date.now(), level: 'error', message: `Node pack '${pack.name}' could not be loaded: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  modules.set('core', {
    ...createCoreNodes({
      strudel: () => {
        if (host === undefined) {
          host = new StrudelHost(options.strudelSandboxUrl ?? STRUDEL_SANDBOX_URL);
          engineRef.engine?.services.set('strudel', host);
        }
        return host;
      },
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      workletUrl,
    }),
    ...(modules.get('core') ?? {}),
  });
  const engine = new Engine(context, packs, modules, options);
  engineRef.engine = engine;
  if (onLog !== undefined) engine.onLog(onLog);
  // Reported after listeners can attach (the editor subscribes right after createRuntime resolves).
  queueMicrotask(() => failures.forEach((f) => engine.log(f)));
  return engine;
}

/** Seconds the offline renderer schedules per step (the same windows as live playback's look-ahead). */
export const OFFLINE_STEP_SECONDS = 0.1;
export const SAMPLE_RATE = 44_100;

/**
 * Renders `seconds` of the patch offline and returns the buffer (44.1 kHz stereo). Everything is scheduled before
 * rendering starts (clocks, sequencers, Strudel patterns queried for the whole range), so the result is deterministic:
 * the same patch renders the same audio (noise nodes aside, which are random by nature).
 */
export async function renderOffline(patch: PatchDocument, packs: PackManifest[], seconds: number, onLog?: (e: LogEntry) => void, options: RuntimeOptions = {}): Promise<AudioBuffer> {
  if (!(seconds > 0) || seconds > 600) throw new RangeError('An offline render lasts between 0 and 600 seconds.');
  const context = new OfflineAudioContext({ numberOfChannels: 2, length: Math.ceil(seconds * SAMPLE_RATE), sampleRate: SAMPLE_RATE });
  const engine = await createEngine(context, packs, options, onLog);
  try {
    await engine.update(patch);
    for (let t = OFFLINE_STEP_SECONDS; t < seconds + OFFLINE_STEP_SECONDS; t += OFFLINE_STEP_SECONDS) {
      await engine.advanceTo(Math.min(t, seconds));
    }
    return await context.startRendering();
  } finally {
    await engine.dispose();
  }
}
