// Record mode: live (MediaRecorder on a MediaStreamAudioDestinationNode fed by the runtime's master → WebM/Opus) or
// offline (renderOffline for 1–600 s → WAV). Either result is uploaded to the media library with a progress bar and
// then offered with a player and a link to the media file.

import { useEffect, useRef, useState } from 'react';
import { uploadFile, type TokenSource } from '../http.ts';
import { encodeWav, renderOffline } from './runtime/index.ts';
import { useModel } from './context.ts';
import type { PackManifest, StudioRuntime } from './types.ts';

interface Uploaded {
  id: string;
  url: string;
  fileName: string;
}

interface Props {
  packs: PackManifest[];
  tokens: TokenSource | null;
  /** fetch with the bearer token, for the sampler's media. */
  fetcher: typeof fetch;
  patchName: string;
  /** Starts playback if needed and gives the live runtime. */
  ensureRuntime: () => Promise<StudioRuntime>;
  onClose: () => void;
}

export function clampSeconds(value: number): number {
  return Number.isFinite(value) ? Math.min(600, Math.max(1, Math.round(value))) : 10;
}

export function Record({ packs, tokens, fetcher, patchName, ensureRuntime, onClose }: Props) {
  const model = useModel();
  const [seconds, setSeconds] = useState('10');
  const [busy, setBusy] = useState<'live' | 'render' | 'upload' | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState('');
  const [result, setResult] = useState<Uploaded | null>(null);
  const recorder = useRef<{ recorder: MediaRecorder; stop: () => void } | null>(null);

  useEffect(() => () => recorder.current?.stop(), []);

  const upload = async (blob: Blob, extension: string) => {
    if (!tokens) {
      setError('Sign in to save recordings to your media library.');
      return;
    }
    setBusy('upload');
    setProgress(0);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
    const base = patchName.replace(/[^\p{L}\p{N} _-]/gu, '').trim().replace(/\s+/g, '-') || 'patch';
    const file = new File([blob], `${base}-${stamp}.${extension}`, { type: blob.type });
    try {
      const uploaded = await uploadFile<Uploaded>(file, await tokens.get(), setProgress).promise;
      setResult(uploaded);
      model.log({ time: Date.now(), level: 'info', message: `Recording saved to the media library: ${uploaded.fileName}` });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  const startLive = async () => {
    setError('');
    setResult(null);
    try {
      const runtime = await ensureRuntime();
      const context = runtime.context as AudioContext;
      const destination = context.createMediaStreamDestination();
      runtime.master.connect(destination);
      const mimeType = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus'].find((t) => MediaRecorder.isTypeSupported(t)) ?? '';
      const rec = new MediaRecorder(destination.stream, mimeType ? { mimeType } : {});
      const chunks: Blob[] = [];
      rec.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data);
      const started = performance.now();
      const timer = setInterval(() => setElapsed((performance.now() - started) / 1000), 200);
      rec.onstop = () => {
        clearInterval(timer);
        runtime.master.disconnect(destination);
        recorder.current = null;
        void upload(new Blob(chunks, { type: rec.mimeType || 'audio/webm' }), 'webm');
      };
      rec.start(1000);
      recorder.current = { recorder: rec, stop: () => rec.state !== 'inactive' && rec.stop() };
      setElapsed(0);
      setBusy('live');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const renderNow = async () => {
    setError('');
    setResult(null);
    const length = clampSeconds(Number(seconds));
    setSeconds(String(length));
    setBusy('render');
    try {
      const buffer = await renderOffline(model.doc, packs, length, (entry) => model.log(entry), { fetch: fetcher });
      await upload(encodeWav(buffer), 'wav');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(null);
    }
  };

  return (
    <div className="space-y-3 p-3 text-sm" data-testid="record-panel">
      <div className="flex items-center justify-between">
        <h2 className="font-semibold">Record</h2>
        <button type="button" onClick={onClose} aria-label="Close" className="rounded px-2 hover:bg-zinc-200 dark:hover:bg-zinc-800">
          ✕
        </button>
      </div>
      <section className="space-y-2">
        <h3 className="text-xs font-semibold text-zinc-500 uppercase">Live (WebM/Opus)</h3>
        {busy === 'live' ? (
          <div className="flex items-center gap-3">
            <span className="font-mono text-lg text-red-600" aria-live="polite">
              ● {formatTime(elapsed)}
            </span>
            <button type="button" data-testid="record-stop" onClick={() => recorder.current?.stop()} className="rounded bg-red-600 px-3 py-1.5 text-white">
              Stop
            </button>
          </div>
        ) : (
          <button type="button" data-testid="record-live" disabled={busy !== null} onClick={() => void startLive()} className="rounded bg-red-600 px-3 py-1.5 text-white disabled:opacity-50">
            ● Record live
          </button>
        )}
      </section>
      <section className="space-y-2">
        <h3 className="text-xs font-semibold text-zinc-500 uppercase">Offline render (WAV)</h3>
        <div className="flex items-center gap-2">
          <label className="flex items-center gap-1">
            Length
            <input
              type="number"
              min={1}
              max={600}
              data-testid="render-seconds"
              value={seconds}
              onChange={(e) => setSeconds(e.target.value)}
              onKeyDown={(e) => e.stopPropagation()}
              className="w-20 rounded border border-zinc-300 bg-white px-1.5 py-1 dark:border-zinc-700 dark:bg-zinc-900"
            />
            s
          </label>
          <button type="button" data-testid="render-offline" disabled={busy !== null} onClick={() => void renderNow()} className="rounded bg-sky-600 px-3 py-1.5 text-white disabled:opacity-50">
            {busy === 'render' ? 'Rendering…' : 'Render'}
          </button>
        </div>
        <p className="text-xs text-zinc-500">Strudel patterns render offline exactly as they play.</p>
      </section>
      {busy === 'upload' && (
        <div>
          <div className="text-xs">Uploading to your media library… {Math.round(progress * 100)}%</div>
          <progress max={1} value={progress} className="w-full" />
        </div>
      )}
      {error && (
        <p role="alert" className="text-red-600">
          {error}
        </p>
      )}
      {result && (
        <div className="space-y-1">
          <audio controls src={result.url} className="w-full" />
          <a data-testid="recording-link" href={result.url} target="_blank" rel="noopener" className="text-sky-600 underline">
            {result.fileName} in the media library
          </a>
        </div>
      )}
    </div>
  );
}

function formatTime(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
