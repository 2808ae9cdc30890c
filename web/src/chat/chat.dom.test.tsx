// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatApi, TokenSource } from './api.ts';
import { App } from './App.tsx';
import { ChatClient, type Hub } from './client.ts';
import { ChatContext } from './context.ts';
import type { ConversationDto, MessageDto } from './types.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

import { ANN, BOB, conversation as fixtureConversation, ME, member, message as fixtureMessage } from './fixtures.ts';

function message(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return fixtureMessage(seq, { createdAt: new Date().toISOString(), ...overrides });
}

function conversation(overrides: Partial<ConversationDto> = {}): ConversationDto {
  return fixtureConversation({ members: [member(ME, 'Me'), member(ANN, 'Ann'), member(BOB, 'Bob', 0, 'away')], ...overrides });
}

let container: HTMLElement;
let root: Root;
let client: ChatClient;

function render(messages: MessageDto[], conv: ConversationDto = conversation()): void {
  const fetcher = vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.startsWith('/chat')) {
      return new Response(JSON.stringify({ accessToken: 't', expiresIn: 900 }));
    }
    if (url.startsWith('/api/v1/conversations/c1/messages')) {
      return new Response(JSON.stringify({ items: messages, hasMore: false }));
    }
    return new Response('{}', { status: 404 });
  });
  const tokens = new TokenSource('/chat?handler=Token', 'af', fetcher as typeof fetch);
  client = new ChatClient(new ChatApi(tokens, '/api/v1', fetcher as typeof fetch), { id: ME, name: 'Me' });
  client.store.setState({ conversations: { [conv.id]: conv }, listLoaded: true, connection: 'connected' });
  act(() => {
    root.render(
      <ChatContext value={client}>
        <App />
      </ChatContext>,
    );
  });
}

const q = (selector: string) => container.querySelector<HTMLElement>(selector);
const qa = (selector: string) => [...container.querySelectorAll<HTMLElement>(selector)];

async function open(id = 'c1'): Promise<void> {
  await act(async () => {
    q(`[data-testid="conversation-item"][data-conversation-id="${id}"]`)?.click();
  });
  await vi.waitFor(() => expect(qa('[data-testid="message"]').length).toBeGreaterThan(0));
}

function type(element: HTMLElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(element), 'value')?.set;
  setter?.call(element, value);
  element.dispatchEvent(new Event('input', { bubbles: true }));
}

beforeEach(() => {
  window.location.hash = '';
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  client.dispose();
});

describe('the chat UI', () => {
  it('shows unread badges in the list and opens the conversation from it', async () => {
    render([message(1)], conversation({ lastSeq: 1, unread: 1, lastMessage: message(1) }));
    expect(q('[data-testid="conversation-item"] [data-testid="unread-badge"]')?.textContent).toBe('1');
    await open();
    expect(q('[data-testid="message"][data-seq="1"] [data-testid="message-text"]')?.textContent).toBe('message 1');
  });

  it('renders message text as text: HTML stays visible, URLs become safe links, mentions are highlighted', async () => {
    render([message(1, { text: '<img src=x onerror=alert(1)> @Bob see https://example.org/x', mentions: ['bob'] })]);
    await open();
    const text = q('[data-testid="message-text"]');
    expect(text?.textContent).toBe('<img src=x onerror=alert(1)> @Bob see https://example.org/x');
    expect(text?.querySelector('img')).toBeNull();
    const link = text?.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://example.org/x');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(text?.querySelector('mark')?.textContent).toBe('@Bob');
  });

  it('Enter sends (shown at once as pending), Shift+Enter does not', async () => {
    render([message(1)]);
    await open();
    const send = vi.spyOn(client, 'send').mockResolvedValue();
    const input = q('[data-testid="composer-input"]') as HTMLTextAreaElement;
    act(() => type(input, 'line one'));
    act(() => {
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true }));
    });
    expect(send).not.toHaveBeenCalled();
    act(() => {
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    });
    expect(send).toHaveBeenCalledWith('c1', 'line one', null, []);
    expect(input.value).toBe('');
  });

  it('a failed send shows Retry, which sends the same message again', async () => {
    render([message(1)]);
    await open();
    const hub: Hub = { state: 'Connected', invoke: () => Promise.reject(new Error('HubException: Too many messages: wait 3 s.')) };
    client.hub = hub;
    await act(async () => {
      await client.send('c1', 'hello', null, []);
    });
    const failed = q('[data-testid="message"][data-status="failed"]');
    expect(failed?.textContent).toContain('Too many messages: wait 3 s.');
    const retry = vi.spyOn(client, 'retry').mockResolvedValue();
    const button = [...(failed?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Retry');
    act(() => button?.click());
    expect(retry).toHaveBeenCalledWith('c1', client.state.messages.c1?.[1]?.clientMessageId);
  });

  it('replying shows the chip, and the sent message carries the reply', async () => {
    render([message(1)]);
    await open();
    const send = vi.spyOn(client, 'send').mockResolvedValue();
    act(() => q('[data-testid="message"][data-seq="1"] [data-testid="reply-button"]')?.click());
    expect(q('[data-testid="reply-chip"]')?.textContent).toContain('Replying to Ann');
    act(() => type(q('[data-testid="composer-input"]') as HTMLElement, 'yes'));
    act(() => q('[data-testid="send-button"]')?.click());
    expect(send.mock.calls[0]?.[2]?.id).toBe('m1');
    expect(q('[data-testid="reply-chip"]')).toBeNull();
  });

  it('shows read ticks on my messages and the reconnect banner while disconnected', async () => {
    const conv = conversation({ kind: 'group', title: 'Team', lastSeq: 2 });
    conv.members = conv.members.map((m) => (m.userId === 'ann' ? { ...m, readUpToSeq: 2 } : m));
    render([message(1, { senderId: ME }), message(2, { senderId: ME })], conv);
    await open();
    const tick = q('[data-testid="message"][data-seq="2"] [data-testid="read-tick"]');
    expect(tick?.dataset.state).toBe('read');
    expect(tick?.dataset.seenCount).toBe('1');
    expect(tick?.getAttribute('title')).toBe('Seen by Ann');
    expect(q('[data-testid="reconnect-banner"]')).toBeNull();
    act(() => client.setConnection('reconnecting'));
    expect(q('[data-testid="reconnect-banner"]')?.textContent).toBe('Reconnecting…');
  });

  it('shows the typing indicator', async () => {
    render([message(1)]);
    await open();
    act(() => client.onTyping({ conversationId: 'c1', userId: 'ann', displayName: 'Ann', expiresAt: new Date(Date.now() + 5000).toISOString() }));
    expect(q('[data-testid="typing-indicator"]')?.textContent).toBe('Ann is typing…');
  });
});
