// The studio's REST client (the contract in docs and api-contract: /api/v1/patches, /api/v1/studio/nodes, media,
// server runs), with the page's bearer token; a 401 renews the token once. Anonymous visitors (public patches) go
// without a token.

import { bearerFetch, jsonRequest, type TokenSource } from '../http.ts';
import type { PackManifest, PatchDocument } from './types.ts';

export type Visibility = 'private' | 'unlisted' | 'public';

export interface PatchSummary {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  visibility: Visibility;
  version: number;
  nodeCount: number;
  owner: { id: string; displayName: string };
  forkedFrom: { id: string; slug: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface PatchDetail extends PatchSummary {
  document: PatchDocument;
  canEdit: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface VersionSummary {
  number: number;
  name: string;
  nodeCount: number;
  createdAt: string;
  author: { id: string; displayName: string };
}

/** An item of GET /api/v1/media (the fields the studio uses). */
export interface MediaItem {
  id: string;
  kind: string;
  fileName: string;
  title: string | null;
  url: string;
  durationSeconds?: number | null;
}

export interface PatchUpdate {
  name: string;
  description: string | null;
  visibility: Visibility;
  document: PatchDocument;
  baseVersion?: number;
  checkpoint?: boolean;
}

export class StudioApi {
  constructor(
    readonly tokens: TokenSource | null,
    private readonly base = '/api/v1',
    fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.authorizedFetch = bearerFetch(tokens, fetcher);
  }

  /** A fetch that carries the page's bearer token (renewed once on a 401): the runtime's sampler reads media with it. */
  readonly authorizedFetch: typeof fetch;

  request<T>(method: string, path: string, body?: unknown, raw = false): Promise<T> {
    return jsonRequest<T>(this.authorizedFetch, this.base + path, method, body, raw);
  }

  list(scope: 'mine' | 'public', q = '', cursor?: string | null): Promise<Page<PatchSummary>> {
    const query = new URLSearchParams({ scope, limit: '50' });
    if (q.trim()) {
      query.set('q', q.trim());
    }
    if (cursor) {
      query.set('cursor', cursor);
    }
    return this.request('GET', `/patches?${query}`);
  }

  get(id: string): Promise<PatchDetail> {
    return this.request('GET', `/patches/${encodeURIComponent(id)}`);
  }

  create(name: string, document?: PatchDocument, visibility: Visibility = 'private'): Promise<PatchDetail> {
    return this.request('POST', '/patches', { name, visibility, ...(document ? { document } : {}) });
  }

  /** POST /patches/import: the body is the export file's text as it is. */
  import(name: string, fileText: string): Promise<PatchDetail> {
    return this.request('POST', `/patches/import?${new URLSearchParams({ name })}`, fileText, true);
  }

  update(id: string, update: PatchUpdate): Promise<PatchDetail> {
    return this.request('PUT', `/patches/${encodeURIComponent(id)}`, update);
  }

  delete(id: string): Promise<void> {
    return this.request('DELETE', `/patches/${encodeURIComponent(id)}`);
  }

  fork(id: string, name?: string): Promise<PatchDetail> {
    return this.request('POST', `/patches/${encodeURIComponent(id)}/fork`, name ? { name } : {});
  }

  versions(id: string): Promise<{ items: VersionSummary[] }> {
    return this.request('GET', `/patches/${encodeURIComponent(id)}/versions`);
  }

  restore(id: string, version: number): Promise<PatchDetail> {
    return this.request('POST', `/patches/${encodeURIComponent(id)}/versions/${version}/restore`);
  }

  nodes(): Promise<{ packs: PackManifest[] }> {
    return this.request('GET', '/studio/nodes');
  }

  audio(q = ''): Promise<Page<MediaItem>> {
    const query = new URLSearchParams({ kind: 'audio', limit: '100' });
    if (q.trim()) {
      query.set('q', q.trim());
    }
    return this.request('GET', `/media?${query}`);
  }

  run(id: string, seconds = 30): Promise<{ runId: string }> {
    return this.request('POST', `/patches/${encodeURIComponent(id)}/run`, { seconds });
  }

  stopRun(runId: string): Promise<void> {
    return this.request('POST', `/studio/runs/${encodeURIComponent(runId)}/stop`);
  }
}
