import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatApi, TokenSource } from './api.ts';
import { ChatClient, hubErrorMessage, type Hub } from './client.ts';
import type { ConversationDto, MessageDto } from './types.ts';

import { conversation as fixtureConversation, ME, message as fixtureMessage } from './fixtures.ts';

function message(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return fixtureMessage(seq, { createdAt: '2026-11-22T10:00:00Z', ...overrides });
}

function conversation(overrides: Partial<ConversationDto> = {}): ConversationDto {
  return fixtureConversation({ lastSeq: 2, readUpToSeq: 2, members: [], ...overrides });
}

interface Call {
  method: string;
  path: string;
  body: unknown;
  auth: string | null;
}

/** A fake server: answers by "METHOD path" (path without the query when no exact match), records every call. */
function fakeServer(routes: Record<string, (call: Call) => { status: number; body?: unknown }>) {
  const calls: Call[] = [];
  let tokenNumber = 0;
  const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.startsWith('/chat?handler=Token')) {
      tokenNumber++;
      return new Response(JSON.stringify({ accessToken: `t${tokenNumber}`, expiresIn: 900 }), { status: 200 });
    }
    const path = url.replace('/api/v1', '');
    const call: Call = {
      method: init?.method ?? 'GET',
      path,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      auth: new Headers(init?.headers).get('Authorization'),
    };
    calls.push(call);
    const route = routes[`${call.method} ${path}`] ?? routes[`${call.method} ${path.split('?')[0]}`];
    if (!route) {
      return new Response(JSON.stringify({ title: 'Not found' }), { status: 404 });
    }
    const answer = route(call);
    return new Response(answer.status === 204 ? null : JSON.stringify(answer.body ?? null), { status: answer.status });
  });
  const tokens = new TokenSource('/chat?handler=Token', 'af', fetcher as typeof fetch);
  const client = new ChatClient(new ChatApi(tokens, '/api/v1', fetcher as typeof fetch), { id: ME, name: 'Me' });
  return { client, calls, fetcher };
}

function fakeHub(invoke: (method: string, ...args: unknown[]) => Promise<unknown>): Hub & { state: string; calls: unknown[][] } {
  const hub = {
    state: 'Connected',
    calls: [] as unknown[][],
    invoke: <T,>(method: string, ...args: unknown[]) => {
      hub.calls.push([method, ...args]);
      return invoke(method, ...args) as Promise<T>;
    },
  };
  return hub;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('sending', () => {
  it('shows the message as pending at once and replaces it by the stored one; the later event adds nothing', async () => {
    const { client } = fakeServer({ 'GET /conversations/c1/messages': () => ({ status: 200, body: { items: [message(1)], hasMore: false } }) });
    client.select('c1');
    await vi.waitFor(() => expect(client.state.messages.c1).toHaveLength(1));
    let answer: (m: MessageDto) => void = () => {};
    client.hub = fakeHub((method) => (method === 'Send' ? new Promise((resolve) => (answer = resolve)) : Promise.resolve()));
    const sending = client.send('c1', 'hello', null, []);
    const shown = client.state.messages.c1 ?? [];
    expect(shown.map((m) => [m.text, m.status])).toEqual([
      ['message 1', 'sent'],
      ['hello', 'pending'],
    ]);
    const clientMessageId = shown[1]?.clientMessageId ?? '';
    const saved = message(2, { senderId: ME, senderName: 'Me', text: 'hello', clientMessageId });
    // The event may come before the answer to Send.
    client.onMessageCreated(saved);
    answer(saved);
    await sending;
    expect((client.state.messages.c1 ?? []).map((m) => [m.seq, m.status])).toEqual([
      [1, 'sent'],
      [2, 'sent'],
    ]);
  });

  it('falls back to REST when the hub is not connected, with the bearer token', async () => {
    const { client, calls } = fakeServer({
      'POST /conversations/c1/messages': (call) => ({ status: 201, body: message(3, { senderId: ME, clientMessageId: (call.body as { clientMessageId: string }).clientMessageId, text: 'via rest' }) }),
    });
    client.hub = fakeHub(() => Promise.reject(new Error('should not be called')));
    (client.hub as { state: string }).state = 'Reconnecting';
    client.store.setState({ messages: { c1: [] } });
    await client.send('c1', 'via rest', null, []);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.auth).toBe('Bearer t1');
    expect(client.state.messages.c1?.map((m) => [m.text, m.status, m.seq])).toEqual([['via rest', 'sent', 3]]);
  });

  it('keeps a failed message with its error, and Retry sends the same clientMessageId again', async () => {
    const { client } = fakeServer({});
    let fail = true;
    const hub = fakeHub((method, ...args) => {
      if (method !== 'Send') {
        return Promise.resolve();
      }
      if (fail) {
        return Promise.reject(new Error("An unexpected error occurred invoking 'Send' on the server. HubException: Too many messages: wait 2 s."));
      }
      return Promise.resolve(message(7, { senderId: ME, clientMessageId: args[1] as string, text: args[2] as string }));
    });
    client.hub = hub;
    client.store.setState({ messages: { c1: [] } });
    await client.send('c1', 'again', null, []);
    const failed = client.state.messages.c1?.[0];
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toBe('Too many messages: wait 2 s.');

    fail = false;
    await client.retry('c1', failed?.clientMessageId ?? '');
    const sends = hub.calls.filter((c) => c[0] === 'Send');
    expect(sends).toHaveLength(2);
    expect(sends[1]?.[2]).toBe(sends[0]?.[2]);
    expect(client.state.messages.c1?.map((m) => [m.seq, m.status])).toEqual([[7, 'sent']]);
  });

  it('a hub that drops during Send hands the message to REST with the same clientMessageId', async () => {
    const { client, calls } = fakeServer({
      'POST /conversations/c1/messages': (call) => ({ status: 200, body: message(5, { senderId: ME, clientMessageId: (call.body as { clientMessageId: string }).clientMessageId }) }),
    });
    const hub = fakeHub(() => {
      hub.state = 'Reconnecting';
      return Promise.reject(new Error('Invocation canceled due to the underlying connection being closed.'));
    });
    client.hub = hub;
    client.store.setState({ messages: { c1: [] } });
    await client.send('c1', 'x', null, []);
    expect((calls[0]?.body as { clientMessageId: string }).clientMessageId).toBe(hub.calls[0]?.[2]);
    expect(client.state.messages.c1?.map((m) => m.status)).toEqual(['sent']);
  });
});

describe('events', () => {
  it('counts unread messages in the list and clears typing when their message arrives', () => {
    const { client } = fakeServer({});
    client.store.setState({ conversations: { c1: conversation() } });
    client.onTyping({ conversationId: 'c1', userId: 'ann', displayName: 'Ann', expiresAt: new Date(Date.now() + 5000).toISOString() });
    expect(client.state.typing.c1).toHaveLength(1);
    client.onMessageCreated(message(3));
    expect(client.state.conversations.c1?.unread).toBe(1);
    expect(client.state.conversations.c1?.lastMessage?.text).toBe('message 3');
    expect(client.state.typing.c1).toHaveLength(0);
    client.dispose();
  });

  it('typing disappears by itself when it expires', () => {
    vi.useFakeTimers();
    const { client } = fakeServer({});
    client.onTyping({ conversationId: 'c1', userId: 'ann', displayName: 'Ann', expiresAt: new Date(Date.now() + 5000).toISOString() });
    vi.advanceTimersByTime(4000);
    expect(client.state.typing.c1).toHaveLength(1);
    vi.advanceTimersByTime(1100);
    expect(client.state.typing.c1).toHaveLength(0);
  });

  it('ConversationChanged refetches the conversation, and a 404 removes it from the list', async () => {
    const { client } = fakeServer({ 'GET /conversations/c2': () => ({ status: 200, body: conversation({ id: 'c2', title: 'Renamed' }) }) });
    client.store.setState({ conversations: { c1: conversation(), c2: conversation({ id: 'c2', title: 'Old' }) }, selectedId: 'c1' });
    client.onConversationChanged({ conversationId: 'c2' });
    await vi.waitFor(() => expect(client.state.conversations.c2?.title).toBe('Renamed'));
    client.onConversationChanged({ conversationId: 'c1' });
    await vi.waitFor(() => expect(client.state.conversations.c1).toBeUndefined());
    expect(client.state.selectedId).toBeNull();
  });
});

describe('reconnecting', () => {
  it('refetches the list and fetches what each loaded conversation missed with ?after=', async () => {
    const { client, calls } = fakeServer({
      'GET /conversations?limit=100': () => ({ status: 200, body: { items: [conversation({ lastSeq: 4 }), conversation({ id: 'c2', lastSeq: 9 })], nextCursor: null } }),
      'GET /conversations/c1/messages?after=2&limit=100': () => ({ status: 200, body: { items: [message(3), message(4)], hasMore: false } }),
    });
    client.store.setState({
      conversations: { c1: conversation() },
      messages: { c1: [{ ...message(1), status: 'sent' }, { ...message(2), status: 'sent' }] },
    });
    await client.resync();
    expect(client.state.messages.c1?.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(Object.keys(client.state.conversations).sort()).toEqual(['c1', 'c2']);
    // c2 was never opened: nothing to catch up there until it is.
    expect(calls.some((c) => c.path.startsWith('/conversations/c2/messages'))).toBe(false);
  });

  it('reads the open conversation again after a reconnect, so edits and deletions made meanwhile show', async () => {
    const { client } = fakeServer({
      'GET /conversations?limit=100': () => ({ status: 200, body: { items: [conversation({ lastSeq: 2 })], nextCursor: null } }),
      'GET /conversations/c1/messages?limit=50': () => ({
        status: 200,
        body: {
          items: [message(1, { text: 'fixed', editedAt: '2026-11-22T10:00:00Z' }), message(2, { text: '', deleted: true })],
          hasMore: false,
        },
      }),
    });
    client.store.setState({
      conversations: { c1: conversation({ lastSeq: 2 }) },
      messages: { c1: [{ ...message(1), status: 'sent' }, { ...message(2), status: 'sent' }] },
      selectedId: 'c1',
    });
    await client.resync();
    expect(client.state.messages.c1?.map((m) => [m.text, m.deleted])).toEqual([['fixed', false], ['', true]]);
  });
});

describe('tokens', () => {
  it('asks the page for a token with the antiforgery header, reuses it, and renews it on a 401', async () => {
    let accepted = 't1';
    const { client, fetcher } = fakeServer({ 'GET /users/search': (call) => (call.auth === `Bearer ${accepted}` ? { status: 200, body: [] } : { status: 401 }) });
    await client.api.searchUsers('a');
    await client.api.searchUsers('b');
    const tokenCalls = () => fetcher.mock.calls.filter((c) => String(c[0]).startsWith('/chat?handler=Token'));
    expect(tokenCalls()).toHaveLength(1);
    expect(new Headers(tokenCalls()[0]?.[1]?.headers).get('RequestVerificationToken')).toBe('af');
    accepted = 't2';
    await client.api.searchUsers('c');
    expect(tokenCalls()).toHaveLength(2);
    client.dispose();
  });
});

describe('hubErrorMessage', () => {
  it('keeps only the words of a HubException', () => {
    expect(hubErrorMessage(new Error("An unexpected error occurred invoking 'Send' on the server. HubException: Conversation not found."))).toBe('Conversation not found.');
    expect(hubErrorMessage(new Error('plain'))).toBe('plain');
  });
});
