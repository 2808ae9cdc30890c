// Placeholder until the runtime lands (replaced wholesale): the signatures the editor and the embed build against.
import type { LogEntry, PackManifest, PatchDocument, StudioRuntime } from '../types';

/** Loads plugin modules of the packs and builds a runtime on `context` (an AudioContext or OfflineAudioContext). */
export async function createRuntime(context: BaseAudioContext, packs: PackManifest[]): Promise<StudioRuntime> {
  void context;
  void packs;
  throw new Error('The studio runtime is not built yet.');
}

/** Renders `seconds` of the patch offline and returns the buffer (44.1 kHz stereo). */
export async function renderOffline(patch: PatchDocument, packs: PackManifest[], seconds: number, onLog?: (e: LogEntry) => void): Promise<AudioBuffer> {
  void patch;
  void packs;
  void seconds;
  void onLog;
  throw new Error('The studio runtime is not built yet.');
}

/** Encodes a buffer as a 16-bit PCM WAV file. */
export function encodeWav(buffer: AudioBuffer): Blob {
  void buffer;
  throw new Error('The studio runtime is not built yet.');
}
