// The messenger's client: one zustand store with the state the UI shows, the SignalR connection that feeds it
// events, and the actions the components call. The state changes themselves are the pure functions of state.ts.

import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, type ChatApi } from './api.ts';
import {
  addPending,
  addTypist,
  applyPresence,
  applyReactions,
  applyReadUpTo,
  applyUpdate,
  conversationWithMessage,
  conversationWithUpdate,
  markFailed,
  maxSeq,
  mergeMessages,
  minSeq,
  pendingId,
  pruneTypists,
  removeTypist,
  retryDelay,
  toggleReaction,
} from './state.ts';
import type {
  Attachment,
  ConversationChanged,
  ConversationDto,
  MessageDto,
  PresenceChanged,
  ReactionsChanged,
  ReadUpToEvent,
  Typist,
  TypingEvent,
  UiMessage,
  UploadedMedia,
} from './types.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface ChatState {
  me: { id: string; name: string };
  conversations: Record<string, ConversationDto>;
  listLoaded: boolean;
  nextCursor: string | null;
  messages: Record<string, UiMessage[]>;
  /** Whether older messages than those loaded exist (absent: nothing loaded yet). */
  hasOlder: Record<string, boolean>;
  loadingOlder: Record<string, boolean>;
  typing: Record<string, Typist[]>;
  connection: ConnectionState;
  selectedId: string | null;
  /** The tab is visible (read receipts only then). */
  visible: boolean;
  /** The last error to tell the user about. */
  notice: string | null;
}

/** What the client needs of a SignalR connection (the real HubConnection, or a fake in tests). */
export interface Hub {
  readonly state: string;
  invoke<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
}

/** The words of a hub error without SignalR's wrapping ("An unexpected error occurred invoking 'Send' … HubException: "). */
export function hubErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const marker = 'HubException: ';
  const at = text.indexOf(marker);
  return at >= 0 ? text.slice(at + marker.length) : text;
}

function errorText(error: unknown): string {
  return error instanceof ApiError ? error.message : hubErrorMessage(error);
}

/** An uploaded media item shown on a pending message until the stored one (with the server's attachment) replaces it. */
export function attachmentOf(media: UploadedMedia): Attachment {
  return {
    id: media.id,
    kind: media.kind,
    fileName: media.fileName,
    contentType: media.contentType,
    size: media.size,
    url: media.url,
    thumbnailUrl: media.thumbnailUrl ?? null,
    posterUrl: null,
    waveformUrl: null,
    width: media.width ?? null,
    height: media.height ?? null,
    durationSeconds: null,
  };
}

export class ChatClient {
  readonly store: StoreApi<ChatState>;
  hub: Hub | null = null;
  #typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #lastTypingSent = new Map<string, number>();
  #markedRead = new Map<string, number>();

  constructor(
    readonly api: ChatApi,
    me: { id: string; name: string },
    private readonly now: () => number = Date.now,
  ) {
    this.store = createStore<ChatState>(() => ({
      me,
      conversations: {},
      listLoaded: false,
      nextCursor: null,
      messages: {},
      hasOlder: {},
      loadingOlder: {},
      typing: {},
      connection: 'connecting',
      selectedId: null,
      visible: typeof document === 'undefined' || document.visibilityState !== 'hidden',
      notice: null,
    }));
  }

  get state(): ChatState {
    return this.store.getState();
  }

  private set(partial: Partial<ChatState> | ((state: ChatState) => Partial<ChatState>)): void {
    this.store.setState(partial);
  }

  get me(): string {
    return this.state.me.id;
  }

  notify(notice: string | null): void {
    this.set({ notice });
  }

  // ---- transport: the hub when connected, otherwise REST ----

  get hubConnected(): boolean {
    return this.hub !== null && this.hub.state === 'Connected';
  }

  /**
   * Calls a hub method, or the REST equivalent when the hub is not connected or drops during the call. Errors the
   * server answers (HubException, problem details) are thrown with their words.
   */
  async call<T>(method: string, args: unknown[], rest: () => Promise<T>): Promise<T> {
    const hub = this.hub;
    if (hub !== null && hub.state === 'Connected') {
      try {
        return await hub.invoke<T>(method, ...args);
      } catch (error) {
        if (hub.state === 'Connected') {
          throw new Error(hubErrorMessage(error));
        }
        // The connection went away mid-call: REST (sends are idempotent by clientMessageId).
      }
    }
    return rest();
  }

  setConnection(connection: ConnectionState): void {
    this.set({ connection });
  }

  // ---- conversations ----

  private putConversation(conversation: ConversationDto): void {
    this.set((s) => ({ conversations: { ...s.conversations, [conversation.id]: conversation } }));
  }

  private dropConversation(id: string): void {
    this.set((s) => {
      const conversations = { ...s.conversations };
      delete conversations[id];
      const messages = { ...s.messages };
      delete messages[id];
      return { conversations, messages, selectedId: s.selectedId === id ? null : s.selectedId };
    });
  }

  /** Loads the conversation list (first page; `more` appends the next). */
  async loadConversations(more = false): Promise<void> {
    const cursor = more ? this.state.nextCursor : null;
    const page = await this.api.conversations(cursor ?? undefined);
    this.set((s) => {
      const conversations: Record<string, ConversationDto> = more || page.nextCursor !== null ? { ...s.conversations } : {};
      for (const c of page.items) {
        conversations[c.id] = c;
      }
      // Keep what a reload cannot know yet: a conversation loaded from a later page.
      if (!more && page.nextCursor === null) {
        return { conversations, nextCursor: null, listLoaded: true };
      }
      return { conversations, nextCursor: page.nextCursor, listLoaded: true };
    });
  }

  /** Refetches one conversation (ConversationChanged); 404 means it is gone for me. */
  async refreshConversation(id: string): Promise<void> {
    try {
      this.putConversation(await this.api.conversation(id));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
        this.dropConversation(id);
      } else {
        throw error;
      }
    }
  }

  select(id: string | null): void {
    this.set({ selectedId: id });
    if (id !== null && this.state.messages[id] === undefined) {
      this.loadLatest(id).catch((error: unknown) => this.notify(errorText(error)));
    }
  }

  // ---- messages ----

  private updateMessages(id: string, change: (messages: UiMessage[]) => UiMessage[]): void {
    this.set((s) => ({ messages: { ...s.messages, [id]: change(s.messages[id] ?? []) } }));
  }

  /** The newest page of a conversation. */
  async loadLatest(id: string): Promise<void> {
    const page = await this.api.messages(id, { limit: 50 });
    this.updateMessages(id, (m) => mergeMessages(m, page.items));
    this.set((s) => ({ hasOlder: { ...s.hasOlder, [id]: page.hasMore } }));
  }

  /** The page before the oldest loaded message (scrolling up). */
  async loadOlder(id: string): Promise<void> {
    const s = this.state;
    const before = minSeq(s.messages[id] ?? []);
    if (s.loadingOlder[id] || s.hasOlder[id] === false || before === 1) {
      return;
    }
    if (before === 0) {
      return this.loadLatest(id);
    }
    this.set((st) => ({ loadingOlder: { ...st.loadingOlder, [id]: true } }));
    try {
      const page = await this.api.messages(id, { before, limit: 50 });
      this.updateMessages(id, (m) => mergeMessages(m, page.items));
      this.set((st) => ({ hasOlder: { ...st.hasOlder, [id]: page.hasMore } }));
    } finally {
      this.set((st) => ({ loadingOlder: { ...st.loadingOlder, [id]: false } }));
    }
  }

  /** Loads older pages until the message with `seq` is there (a click on a reply's quote). */
  async loadUntil(id: string, seq: number): Promise<boolean> {
    for (let guard = 0; guard < 100; guard++) {
      const loaded = this.state.messages[id] ?? [];
      if (loaded.some((m) => m.status === 'sent' && m.seq === seq)) {
        return true;
      }
      const oldest = minSeq(loaded);
      if ((oldest !== 0 && oldest < seq) || this.state.hasOlder[id] === false) {
        return false;
      }
      await this.loadOlder(id);
      if (minSeq(this.state.messages[id] ?? []) === oldest) {
        return false;
      }
    }
    return false;
  }

  /** Fetches what was written after the newest loaded message (after a reconnect). */
  async catchUp(id: string): Promise<void> {
    for (let guard = 0; guard < 100; guard++) {
      const after = maxSeq(this.state.messages[id] ?? []);
      const page = await this.api.messages(id, { after, limit: 100 });
      this.applyIncoming(id, page.items);
      if (!page.hasMore || page.items.length === 0) {
        return;
      }
    }
  }

  /**
   * After a reconnect: the list again (unread counts, new conversations), then for every loaded conversation whose
   * lastSeq is past what is loaded, the messages after it.
   */
  async resync(): Promise<void> {
    await this.loadConversations();
    const s = this.state;
    await Promise.all(
      Object.keys(s.messages).map(async (id) => {
        const conversation = s.conversations[id];
        if (conversation === undefined) {
          return;
        }
        if (conversation.lastSeq > maxSeq(s.messages[id] ?? [])) {
          await this.catchUp(id);
        }
      }),
    );
    // Edits, deletions and reactions made while away are not replayed: read the open conversation's newest page again.
    const open = this.state.selectedId;
    if (open !== null && this.state.messages[open] !== undefined) {
      const page = await this.api.messages(open, { limit: 50 });
      this.updateMessages(open, (m) => mergeMessages(m, page.items));
    }
  }

  /** Stored messages that arrived (event, send answer, catch-up) for one conversation. */
  private applyIncoming(id: string, messages: MessageDto[]): void {
    if (messages.length === 0) {
      return;
    }
    const loaded = this.state.messages[id];
    if (loaded !== undefined) {
      this.updateMessages(id, (m) => mergeMessages(m, messages));
    }
    this.set((s) => {
      let conversation = s.conversations[id];
      let typists = s.typing[id] ?? [];
      for (const message of messages) {
        if (conversation !== undefined) {
          conversation = conversationWithMessage(conversation, message, s.me.id);
        }
        typists = removeTypist(typists, message.senderId);
      }
      return {
        conversations: conversation === undefined ? s.conversations : { ...s.conversations, [id]: conversation },
        typing: { ...s.typing, [id]: typists },
      };
    });
  }

  onMessageCreated = (message: MessageDto): void => {
    if (this.state.conversations[message.conversationId] === undefined) {
      // A conversation I was just added to.
      this.refreshConversation(message.conversationId).catch(() => {});
    }
    this.applyIncoming(message.conversationId, [message]);
  };

  onMessageUpdated = (message: MessageDto): void => {
    const id = message.conversationId;
    const before = (this.state.messages[id] ?? []).find((m) => m.id === message.id);
    const conversation = this.state.conversations[id];
    const last = conversation?.lastMessage?.id === message.id ? conversation.lastMessage : undefined;
    // A tombstone arrives once; a message neither loaded nor last is taken as not deleted before.
    const wasDeleted = before?.deleted ?? last?.deleted ?? false;
    if (this.state.messages[id] !== undefined) {
      this.updateMessages(id, (m) => applyUpdate(m, message));
    }
    if (conversation !== undefined) {
      this.putConversation(conversationWithUpdate(conversation, message, wasDeleted, this.me));
    }
  };

  onReactionsChanged = (event: ReactionsChanged): void => {
    if (this.state.messages[event.conversationId] !== undefined) {
      this.updateMessages(event.conversationId, (m) => applyReactions(m, event.messageId, event.reactions));
    }
  };

  onTyping = (event: TypingEvent): void => {
    if (event.userId === this.me) {
      return;
    }
    const typists = addTypist(this.state.typing[event.conversationId] ?? [], event, this.now());
    this.set((s) => ({ typing: { ...s.typing, [event.conversationId]: typists } }));
    this.scheduleTypingExpiry(event.conversationId);
  };

  private scheduleTypingExpiry(id: string): void {
    clearTimeout(this.#typingTimers.get(id));
    const typists = this.state.typing[id] ?? [];
    if (typists.length === 0) {
      return;
    }
    const next = Math.min(...typists.map((t) => t.expiresAt));
    this.#typingTimers.set(
      id,
      setTimeout(() => {
        this.set((s) => ({ typing: { ...s.typing, [id]: pruneTypists(s.typing[id] ?? [], this.now()) } }));
        this.scheduleTypingExpiry(id);
      }, Math.max(0, next - this.now()) + 20),
    );
  }

  onReadUpTo = (event: ReadUpToEvent): void => {
    const conversation = this.state.conversations[event.conversationId];
    if (conversation !== undefined) {
      this.putConversation(applyReadUpTo(conversation, event, this.me, this.state.messages[event.conversationId] ?? []));
    }
  };

  onPresenceChanged = (event: PresenceChanged): void => {
    this.set((s) => {
      const conversations: Record<string, ConversationDto> = {};
      for (const [id, c] of Object.entries(s.conversations)) {
        conversations[id] = applyPresence(c, event);
      }
      return { conversations };
    });
  };

  onConversationChanged = (event: ConversationChanged): void => {
    this.refreshConversation(event.conversationId).catch(() => {});
  };

  // ---- sending ----

  /** Shows the message at once as pending, then sends it (hub, or REST when the hub is down). */
  async send(id: string, text: string, replyTo: UiMessage | null, media: UploadedMedia[]): Promise<void> {
    const clientMessageId = crypto.randomUUID();
    const s = this.state;
    const pending: UiMessage = {
      id: pendingId(clientMessageId),
      conversationId: id,
      seq: 0,
      senderId: s.me.id,
      senderName: s.me.name,
      clientMessageId,
      text,
      mentions: [],
      replyTo: replyTo ? { id: replyTo.id, seq: replyTo.seq, senderName: replyTo.senderName, text: replyTo.text.slice(0, 200), deleted: replyTo.deleted } : null,
      attachments: media.map(attachmentOf),
      reactions: [],
      createdAt: new Date(this.now()).toISOString(),
      editedAt: null,
      deleted: false,
      status: 'pending',
      replyToId: replyTo?.id ?? null,
      attachmentIds: media.map((m) => m.id),
    };
    this.updateMessages(id, (m) => addPending(m, pending));
    await this.deliver(pending);
  }

  /** Sends a failed message again with the same clientMessageId (the server keeps one copy). */
  async retry(id: string, clientMessageId: string): Promise<void> {
    const message = (this.state.messages[id] ?? []).find((m) => m.status === 'failed' && m.clientMessageId === clientMessageId);
    if (message === undefined) {
      return;
    }
    this.updateMessages(id, (m) => addPending(m, message));
    await this.deliver(message);
  }

  private async deliver(message: UiMessage): Promise<void> {
    const id = message.conversationId;
    const replyToId = message.replyToId ?? null;
    const attachmentIds = message.attachmentIds ?? [];
    try {
      const saved = await this.call<MessageDto>(
        'Send',
        [id, message.clientMessageId, message.text, replyToId, attachmentIds.length > 0 ? attachmentIds : null],
        () => this.api.send(id, { clientMessageId: message.clientMessageId, text: message.text, replyToId, attachmentIds }),
      );
      this.applyIncoming(id, [saved]);
    } catch (error) {
      this.updateMessages(id, (m) => markFailed(m, message.clientMessageId, errorText(error)));
    }
  }

  async edit(message: UiMessage, text: string): Promise<void> {
    try {
      const saved = await this.call<MessageDto>('Edit', [message.id, text], () => this.api.edit(message.id, text));
      this.onMessageUpdated(saved);
    } catch (error) {
      this.notify(errorText(error));
    }
  }

  async remove(message: UiMessage): Promise<void> {
    try {
      const tombstone = await this.call<MessageDto>('Delete', [message.id], () => this.api.delete(message.id));
      this.onMessageUpdated(tombstone);
    } catch (error) {
      this.notify(errorText(error));
    }
  }

  async react(message: UiMessage, emoji: string): Promise<void> {
    const id = message.conversationId;
    const previous = message.reactions;
    this.updateMessages(id, (m) => applyReactions(m, message.id, toggleReaction(previous, emoji, this.me)));
    try {
      const answer = await this.call<ReactionsChanged>('React', [message.id, emoji], () => this.api.react(message.id, emoji));
      this.updateMessages(id, (m) => applyReactions(m, message.id, answer.reactions));
    } catch (error) {
      this.updateMessages(id, (m) => applyReactions(m, message.id, previous));
      this.notify(errorText(error));
    }
  }

  /** Tells the others that I am typing, at most every 3 s per conversation. */
  typing(id: string): void {
    const now = this.now();
    if (now - (this.#lastTypingSent.get(id) ?? 0) < 3000) {
      return;
    }
    this.#lastTypingSent.set(id, now);
    this.call('Typing', [id], () => this.api.typing(id)).catch(() => {});
  }

  /** Marks a conversation read up to its newest loaded message (called when that is visible and the tab is). */
  markRead(id: string): void {
    const conversation = this.state.conversations[id];
    const seq = maxSeq(this.state.messages[id] ?? []);
    if (conversation === undefined || seq === 0 || (seq <= conversation.readUpToSeq && conversation.unread === 0) || (this.#markedRead.get(id) ?? 0) >= seq) {
      return;
    }
    this.#markedRead.set(id, seq);
    this.onReadUpTo({ conversationId: id, userId: this.me, seq });
    this.call('MarkRead', [id, seq], () => this.api.markRead(id, seq)).catch(() => this.#markedRead.delete(id));
  }

  setVisible(visible: boolean): void {
    this.set({ visible });
    if (this.hubConnected) {
      this.hub?.invoke('SetAway', !visible).catch(() => {});
    }
  }

  // ---- conversations: create and manage ----

  async createDirect(userId: string): Promise<string> {
    const conversation = await this.api.createDirect(userId);
    this.putConversation(conversation);
    return conversation.id;
  }

  async createGroup(name: string, memberIds: string[]): Promise<string> {
    const conversation = await this.api.createGroup(name, memberIds);
    this.putConversation(conversation);
    return conversation.id;
  }

  async rename(id: string, name: string): Promise<void> {
    this.putConversation(await this.api.updateConversation(id, { name }));
  }

  async addMember(id: string, userId: string): Promise<void> {
    this.putConversation(await this.api.setMember(id, userId));
  }

  async setRole(id: string, userId: string, role: 'member' | 'admin'): Promise<void> {
    this.putConversation(await this.api.setMember(id, userId, role));
  }

  async removeMember(id: string, userId: string): Promise<void> {
    await this.api.removeMember(id, userId);
    if (userId === this.me) {
      this.dropConversation(id);
    } else {
      await this.refreshConversation(id);
    }
  }

  dispose(): void {
    for (const timer of this.#typingTimers.values()) {
      clearTimeout(timer);
    }
    this.api.tokens.dispose();
  }
}

/** Keeps trying `start` with the reconnect delays until it succeeds (or `cancelled()`). */
export async function startWithRetry(start: () => Promise<void>, onFailure: () => void, cancelled: () => boolean): Promise<void> {
  for (let attempt = 0; !cancelled(); attempt++) {
    try {
      await start();
      return;
    } catch {
      onFailure();
      await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt + 1)));
    }
  }
}
