// The messenger's HTTP side: the bearer token (fetched from the /chat page, renewed a minute before it expires), the
// REST API under /api/v1 (docs/chat.md) and media uploads with progress (XMLHttpRequest, since fetch reports none).

import { renewDelay } from './state.ts';
import type { ConversationDto, MessageDto, Reaction, UploadedMedia, UserSearchResult } from './types.ts';

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

async function problemMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { title?: string; detail?: string; errors?: Record<string, string[]> };
    const errors = body.errors ? Object.values(body.errors).flat().join(' ') : '';
    return [body.detail ?? body.title, errors].filter(Boolean).join(' ') || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
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

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface MessagePage {
  items: MessageDto[];
  hasMore: boolean;
}

export interface ReactionsAnswer {
  conversationId: string;
  messageId: string;
  reactions: Reaction[];
}

/** The REST API with the bearer token; a 401 renews the token and tries once more. */
export class ChatApi {
  constructor(
    readonly tokens: TokenSource,
    private readonly base = '/api/v1',
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const send = async (token: string) =>
      this.fetcher(this.base + path, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    let response = await send(await this.tokens.get());
    if (response.status === 401) {
      response = await send(await this.tokens.renew());
    }
    if (!response.ok) {
      throw new ApiError(response.status, await problemMessage(response));
    }
    if (response.status === 204) {
      return undefined as T;
    }
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  conversations(cursor?: string): Promise<Page<ConversationDto>> {
    const query = new URLSearchParams({ limit: '100' });
    if (cursor) {
      query.set('cursor', cursor);
    }
    return this.request('GET', `/conversations?${query}`);
  }

  conversation(id: string): Promise<ConversationDto> {
    return this.request('GET', `/conversations/${encodeURIComponent(id)}`);
  }

  createDirect(userId: string): Promise<ConversationDto> {
    return this.request('POST', '/conversations', { kind: 'direct', userId });
  }

  createGroup(name: string, memberIds: string[], description?: string): Promise<ConversationDto> {
    return this.request('POST', '/conversations', { kind: 'group', name, memberIds, ...(description ? { description } : {}) });
  }

  updateConversation(id: string, changes: { name?: string; description?: string }): Promise<ConversationDto> {
    return this.request('PATCH', `/conversations/${encodeURIComponent(id)}`, changes);
  }

  setMember(id: string, userId: string, role?: 'member' | 'admin'): Promise<ConversationDto> {
    return this.request('POST', `/conversations/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, role ? { role } : {});
  }

  removeMember(id: string, userId: string): Promise<void> {
    return this.request('DELETE', `/conversations/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`);
  }

  messages(id: string, range: { before?: number; after?: number; limit?: number }): Promise<MessagePage> {
    const query = new URLSearchParams();
    if (range.before !== undefined) {
      query.set('before', String(range.before));
    }
    if (range.after !== undefined) {
      query.set('after', String(range.after));
    }
    query.set('limit', String(range.limit ?? 50));
    return this.request('GET', `/conversations/${encodeURIComponent(id)}/messages?${query}`);
  }

  send(id: string, message: { clientMessageId: string; text: string; replyToId?: string | null; attachmentIds?: string[] }): Promise<MessageDto> {
    return this.request('POST', `/conversations/${encodeURIComponent(id)}/messages`, {
      clientMessageId: message.clientMessageId,
      text: message.text,
      ...(message.replyToId ? { replyToId: message.replyToId } : {}),
      ...(message.attachmentIds && message.attachmentIds.length > 0 ? { attachmentIds: message.attachmentIds } : {}),
    });
  }

  markRead(id: string, seq: number): Promise<void> {
    return this.request('POST', `/conversations/${encodeURIComponent(id)}/read`, { seq });
  }

  typing(id: string): Promise<void> {
    return this.request('POST', `/conversations/${encodeURIComponent(id)}/typing`);
  }

  edit(messageId: string, text: string): Promise<MessageDto> {
    return this.request('PATCH', `/messages/${encodeURIComponent(messageId)}`, { text });
  }

  delete(messageId: string): Promise<MessageDto> {
    return this.request('DELETE', `/messages/${encodeURIComponent(messageId)}`);
  }

  react(messageId: string, emoji: string): Promise<ReactionsAnswer> {
    return this.request('POST', `/messages/${encodeURIComponent(messageId)}/reactions`, { emoji });
  }

  searchUsers(q: string): Promise<UserSearchResult[]> {
    return this.request('GET', `/users/search?${new URLSearchParams({ q })}`);
  }
}

export interface Upload {
  promise: Promise<UploadedMedia>;
  abort(): void;
}

/**
 * Uploads one file to the media library (POST /api/v1/media, multipart field `file`) with the bearer token, reporting
 * progress as a fraction 0–1. Rejects with an ApiError on an error answer and with an AbortError when aborted.
 */
export function uploadMedia(
  file: File,
  token: string,
  onProgress: (fraction: number) => void,
  url = '/api/v1/media',
  createRequest: () => XMLHttpRequest = () => new XMLHttpRequest(),
): Upload {
  const request = createRequest();
  const promise = new Promise<UploadedMedia>((resolve, reject) => {
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
      const body = request.response as (UploadedMedia & { title?: string; detail?: string }) | null;
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
