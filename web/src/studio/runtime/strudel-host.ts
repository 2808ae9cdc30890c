// The page's side of the Strudel sandbox: one hidden, sandboxed iframe per runtime (an opaque origin without
// cookies or storage) evaluates pattern code and answers queries with plain hap data. The patch author's code never
// runs in the site's origin.
import type { HapData } from './haps';

export interface StrudelQuery {
  code: string;
  from: number; // cycles
  to: number;
}

export type StrudelAnswer = { ok: true; haps: HapData[] } | { ok: false; error: string; line?: number };

/** The sandbox must answer within this time; a pattern stuck in a loop gets its iframe replaced. */
export const QUERY_TIMEOUT_MS = 3000;

interface Pending {
  resolve: (answer: StrudelAnswer) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class StrudelHost {
  private frame: HTMLIFrameElement | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly onMessage = (event: MessageEvent): void => {
    if (this.frame === undefined || event.source !== this.frame.contentWindow) return;
    const data = event.data as { id?: unknown; type?: unknown } & Partial<{ haps: HapData[]; error: string; line: number }>;
    if (data.type === 'ready') return;
    if (typeof data.id !== 'number') return;
    const pending = this.pending.get(data.id);
    if (pending === undefined) return;
    this.pending.delete(data.id);
    clearTimeout(pending.timer);
    if (typeof data.error === 'string') {
      pending.resolve(data.line === undefined ? { ok: false, error: data.error } : { ok: false, error: data.error, line: data.line });
    } else {
      pending.resolve({ ok: true, haps: Array.isArray(data.haps) ? data.haps.filter(isHap) : [] });
    }
  };

  constructor(private readonly url: string) {}

  private start(): Promise<void> {
    if (this.ready !== undefined) return this.ready;
    this.ready = new Promise<void>((resolve, reject) => {
      const frame = document.createElement('iframe');
      // allow-scripts only: no allow-same-origin, so the page gets an opaque origin (no cookies, storage or API access).
      frame.setAttribute('sandbox', 'allow-scripts');
      frame.setAttribute('aria-hidden', 'true');
      frame.tabIndex = -1;
      frame.title = 'Strudel sandbox';
      frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
      const timer = setTimeout(() => reject(new Error('The Strudel sandbox did not load.')), 10_000);
      const onReady = (event: MessageEvent): void => {
        if (event.source === frame.contentWindow && (event.data as { type?: unknown }).type === 'ready') {
          clearTimeout(timer);
          window.removeEventListener('message', onReady);
          resolve();
        }
      };
      window.addEventListener('message', onReady);
      window.addEventListener('message', this.onMessage);
      frame.src = this.url;
      document.body.appendChild(frame);
      this.frame = frame;
    });
    this.ready.catch(() => this.reset());
    return this.ready;
  }

  async query(query: StrudelQuery): Promise<StrudelAnswer> {
    if (typeof document === 'undefined') return { ok: false, error: 'Strudel needs a browser page.' };
    try {
      await this.start();
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const id = this.nextId++;
    return new Promise<StrudelAnswer>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // The sandbox is stuck (an endless loop in someone's code): throw it away, the next query starts a fresh one.
        this.reset();
        resolve({ ok: false, error: `The pattern took longer than ${QUERY_TIMEOUT_MS / 1000} s to evaluate.` });
      }, QUERY_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
      // The sandbox's origin is opaque, so '*' is the only target origin that reaches it; only code and numbers go in.
      this.frame?.contentWindow?.postMessage({ id, type: 'query', code: query.code, from: query.from, to: query.to }, '*');
    });
  }

  private reset(): void {
    window.removeEventListener('message', this.onMessage);
    this.frame?.remove();
    this.frame = undefined;
    this.ready = undefined;
    for (const [, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, error: 'The Strudel sandbox was restarted.' });
    }
    this.pending.clear();
  }

  dispose(): void {
    this.reset();
  }
}

function isHap(value: unknown): value is HapData {
  const hap = value as HapData | null;
  return typeof hap === 'object' && hap !== null && typeof hap.begin === 'number' && typeof hap.end === 'number';
}
