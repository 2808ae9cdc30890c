// The messenger's HTTP side: the REST API under /api/v1 (docs/chat.md) and media uploads with progress. The bearer
// token and the upload transport are shared with the studio (../http.ts).

import { ApiError, bearerFetch, jsonRequest, TokenSource, uploadFile, type Upload } from '../http.ts';
import type { ConversationDto, MessageDto, Reaction, UploadedMedia, UserSearchResult } from './types.ts';

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
    fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.#fetch = bearerFetch(tokens, fetcher);
  }

  readonly #fetch: typeof fetch;

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return jsonRequest<T>(this.#fetch, this.base + path, method, body);
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

export { ApiError, TokenSource, type Upload };

/** Uploads one attachment to the media library with progress (see uploadFile). */
export function uploadMedia(
  file: File,
  token: string,
  onProgress: (fraction: number) => void,
  url = '/api/v1/media',
  createRequest: () => XMLHttpRequest = () => new XMLHttpRequest(),
): Upload<UploadedMedia> {
  return uploadFile<UploadedMedia>(file, token, onProgress, url, createRequest);
}
