// HTTP pieces shared by the messenger and the studio: problem-detail messages, the bearer token the signed-in page
// hands out (fetched from the page's Token handler, renewed a minute before it expires) and uploads with progress
// (XMLHttpRequest, since fetch reports none).

/** How long to use a token that is valid for `expiresIn` seconds: until a minute before it expires (at least 5 s). */
export function renewDelay(expiresIn: number): number {
  return Math.max(5, expiresIn - 60) * 1000;
}

/** An answer other than 2xx, with the problem details' words when there are some. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function problemMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { title?: string; detail?: string; errors?: Record<string, string[]> };
    const errors = body.errors ? Object.values(body.errors).flat().join(' ') : '';
    return [body.detail ?? body.title, errors].filter(Boolean).join(' ') || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/**
 * A fetch that sends the page's bearer token (when there is a token source) and, on a 401, renews the token and tries
 * once more: the chat's and the studio's API clients and the studio runtime's media reads share it.
 */
export function bearerFetch(tokens: TokenSource | null, fetcher: typeof fetch = (input, init) => fetch(input, init)): typeof fetch {
  return async (input, init) => {
    const send = async (token: string | null) => {
      const headers = new Headers(init?.headers);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      return fetcher(input, { ...init, headers });
    };
    const response = await send(tokens ? await tokens.get() : null);
    return response.status === 401 && tokens ? send(await tokens.renew()) : response;
  };
}

/** Sends a JSON request through `fetcher` and reads the answer: problem details become an ApiError, 204 undefined. */
export async function jsonRequest<T>(fetcher: typeof fetch, url: string, method: string, body?: unknown, raw = false): Promise<T> {
  const response = await fetcher(url, {
    method,
    headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: raw ? (body as string) : JSON.stringify(body) }),
  });
  if (!response.ok) {
    throw new ApiError(response.status, await problemMessage(response));
  }
  if (response.status === 204) {
    return undefined as T;
  }
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** The bearer token: one request at a time, reused until a minute before it expires, then renewed. */
export class TokenSource {
  #token: string | null = null;
  #validUntil = 0;
  #pending: Promise<string> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly tokenUrl: string,
    private readonly antiforgery: string,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
    private readonly now: () => number = Date.now,
  ) {}

  /** A token valid for at least a minute more (fetches a new one when needed). */
  get(): Promise<string> {
    if (this.#token !== null && this.now() < this.#validUntil) {
      return Promise.resolve(this.#token);
    }
    return this.renew();
  }

  /** Fetches a new token now (for example after a 401), sharing a request already under way. */
  renew(): Promise<string> {
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  async #fetch(): Promise<string> {
    const response = await this.fetcher(this.tokenUrl, {
      method: 'POST',
      headers: { RequestVerificationToken: this.antiforgery },
      credentials: 'same-origin',
    });
    if (!response.ok) {
      throw new ApiError(response.status, response.status === 401 || response.status === 400 ? 'Your session has ended: reload the page to sign in again.' : await problemMessage(response));
    }
    const { accessToken, expiresIn } = (await response.json()) as { accessToken: string; expiresIn: number };
    const delay = renewDelay(expiresIn);
    this.#token = accessToken;
    this.#validUntil = this.now() + delay;
    clearTimeout(this.#timer);
    // Renew ahead of time so that a reconnect or a send never waits for it.
    this.#timer = setTimeout(() => {
      this.renew().catch(() => {
        /* the next get() tries again */
      });
    }, delay);
    return accessToken;
  }
}

export interface Upload<T> {
  promise: Promise<T>;
  abort(): void;
}

/**
 * Uploads one file to the media library (POST /api/v1/media, multipart field `file`) with the bearer token, reporting
 * progress as a fraction 0–1. Rejects with an ApiError on an error answer and with an AbortError when aborted.
 */
export function uploadFile<T extends { id: string }>(
  file: File,
  token: string,
  onProgress: (fraction: number) => void,
  url = '/api/v1/media',
  createRequest: () => XMLHttpRequest = () => new XMLHttpRequest(),
): Upload<T> {
  const request = createRequest();
  const promise = new Promise<T>((resolve, reject) => {
    request.open('POST', url);
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.setRequestHeader('Accept', 'application/json');
    request.responseType = 'json';
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) {
        onProgress(Math.min(1, event.loaded / event.total));
      }
    });
    request.addEventListener('load', () => {
      const body = request.response as (T & { title?: string; detail?: string }) | null;
      if (request.status >= 200 && request.status < 300 && body && typeof body.id === 'string') {
        onProgress(1);
        resolve(body);
      } else {
        const words = body?.detail ?? body?.title ?? (request.status === 413 ? 'The file is too large.' : `Upload failed (HTTP ${request.status}).`);
        reject(new ApiError(request.status, words));
      }
    });
    request.addEventListener('error', () => reject(new ApiError(0, 'Upload failed: the network is unavailable.')));
    request.addEventListener('abort', () => reject(new DOMException('Upload cancelled.', 'AbortError')));
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
  return { promise, abort: () => request.abort() };
}
