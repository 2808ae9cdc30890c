// Pure state transitions of the messenger: no I/O, no React, so state.test.ts can check each one.
// The store (store.ts) calls them; every function returns new objects and leaves its arguments alone.

import type {
  ConversationDto,
  Member,
  MessageDto,
  PresenceChanged,
  Reaction,
  ReadUpToEvent,
  Typist,
  TypingEvent,
  UiMessage,
} from './types.ts';

// ---- messages ----

/** A stored message as the UI holds it. */
export function stored(message: MessageDto): UiMessage {
  return { ...message, status: 'sent' };
}

/** The id a pending message has until the server stores it. */
export function pendingId(clientMessageId: string): string {
  return `pending:${clientMessageId}`;
}

/** Which of two versions of the same stored message to keep: a tombstone wins, then the latest edit. */
function newer(current: UiMessage, incoming: UiMessage): UiMessage {
  if (current.deleted && !incoming.deleted) {
    return current;
  }
  if (!incoming.deleted && current.editedAt && incoming.editedAt && Date.parse(current.editedAt) > Date.parse(incoming.editedAt)) {
    return current;
  }
  if (!incoming.deleted && current.editedAt && !incoming.editedAt) {
    return current;
  }
  return incoming;
}

/** Stored messages by seq, then pending and failed ones in the order they were written. */
function ordered(messages: UiMessage[]): UiMessage[] {
  const storedOnes = messages.filter((m) => m.status === 'sent').sort((a, b) => a.seq - b.seq);
  const unsent = messages.filter((m) => m.status !== 'sent');
  return [...storedOnes, ...unsent];
}

/**
 * Merges stored messages (a page, an event, the answer to a send) into a conversation's list: one entry per seq, a
 * pending message of mine is replaced by the stored one with its clientMessageId, so nothing shows twice.
 */
export function mergeMessages(current: readonly UiMessage[], incoming: readonly MessageDto[]): UiMessage[] {
  if (incoming.length === 0) {
    return current as UiMessage[];
  }
  const bySeq = new Map<number, UiMessage>();
  const unsent = new Map<string, UiMessage>();
  for (const message of current) {
    if (message.status === 'sent') {
      bySeq.set(message.seq, message);
    } else {
      unsent.set(message.clientMessageId, message);
    }
  }
  for (const message of incoming) {
    const next = stored(message);
    const existing = bySeq.get(next.seq);
    bySeq.set(next.seq, existing ? newer(existing, next) : next);
    const pending = unsent.get(message.clientMessageId);
    if (pending && pending.senderId === message.senderId) {
      unsent.delete(message.clientMessageId);
    }
  }
  return ordered([...bySeq.values(), ...unsent.values()]);
}

/** Adds a message of mine that is on its way (or replaces the failed one with the same clientMessageId). */
export function addPending(current: readonly UiMessage[], pending: UiMessage): UiMessage[] {
  if (current.some((m) => m.status === 'sent' && m.clientMessageId === pending.clientMessageId && m.senderId === pending.senderId)) {
    return current as UiMessage[];
  }
  const rest = current.filter((m) => !(m.status !== 'sent' && m.clientMessageId === pending.clientMessageId));
  return ordered([...rest, { ...pending, status: 'pending', seq: 0 }]);
}

/** Marks an unsent message failed (it keeps its clientMessageId for the retry). */
export function markFailed(current: readonly UiMessage[], clientMessageId: string, error: string): UiMessage[] {
  return current.map((m) => (m.status === 'pending' && m.clientMessageId === clientMessageId ? { ...m, status: 'failed', error } : m));
}

/** Applies an edited message or a tombstone to the message with that id, if it is loaded. */
export function applyUpdate(current: readonly UiMessage[], message: MessageDto): UiMessage[] {
  let found = false;
  const next = current.map((m) => {
    if (m.id !== message.id) {
      return m;
    }
    found = true;
    return newer(m, stored(message));
  });
  // Replies quoting it show the new text (or that it was deleted).
  return (found ? next : [...current]).map((m) =>
    m.replyTo && m.replyTo.id === message.id
      ? { ...m, replyTo: { ...m.replyTo, text: message.deleted ? '' : message.text.slice(0, 200), deleted: message.deleted } }
      : m,
  );
}

/** Sets the reactions of a message. */
export function applyReactions(current: readonly UiMessage[], messageId: string, reactions: Reaction[]): UiMessage[] {
  return current.map((m) => (m.id === messageId ? { ...m, reactions } : m));
}

/** Toggles my reaction locally (shown at once; the server's answer replaces it). */
export function toggleReaction(reactions: readonly Reaction[], emoji: string, me: string): Reaction[] {
  const existing = reactions.find((r) => r.emoji === emoji);
  if (!existing) {
    return [...reactions, { emoji, count: 1, userIds: [me] }];
  }
  const mine = existing.userIds.includes(me);
  const userIds = mine ? existing.userIds.filter((id) => id !== me) : [...existing.userIds, me];
  if (userIds.length === 0) {
    return reactions.filter((r) => r.emoji !== emoji);
  }
  return reactions.map((r) => (r.emoji === emoji ? { emoji, count: userIds.length, userIds } : r));
}

/** The highest stored seq loaded (0 when none). */
export function maxSeq(messages: readonly UiMessage[]): number {
  let max = 0;
  for (const m of messages) {
    if (m.status === 'sent' && m.seq > max) {
      max = m.seq;
    }
  }
  return max;
}

/** The lowest stored seq loaded (0 when none). */
export function minSeq(messages: readonly UiMessage[]): number {
  let min = 0;
  for (const m of messages) {
    if (m.status === 'sent' && (min === 0 || m.seq < min)) {
      min = m.seq;
    }
  }
  return min;
}

// ---- conversations ----

/** Most recent activity first (ties: the newer conversation first). */
export function sortConversations(conversations: readonly ConversationDto[]): ConversationDto[] {
  const activity = (c: ConversationDto) => Math.max(Date.parse(c.lastActivityAt) || 0, Date.parse(c.lastMessage?.createdAt ?? '') || 0);
  return [...conversations].sort((a, b) => activity(b) - activity(a) || (Date.parse(b.createdAt) || 0) - (Date.parse(a.createdAt) || 0));
}

/** Messages of others after `readUpToSeq`, not deleted, among those loaded. */
export function countUnread(messages: readonly UiMessage[], readUpToSeq: number, me: string): number {
  return messages.filter((m) => m.status === 'sent' && m.seq > readUpToSeq && m.senderId !== me && !m.deleted).length;
}

/**
 * A new stored message in a conversation: last message, lastSeq and activity move on; one from someone else after
 * my read position adds to the unread count; one of mine means I have read up to it.
 */
export function conversationWithMessage(conversation: ConversationDto, message: MessageDto, me: string): ConversationDto {
  if (message.seq <= conversation.lastSeq && conversation.lastMessage && conversation.lastMessage.seq >= message.seq) {
    // Already counted (the same message arrived twice: the answer to Send and the event).
    return conversation.lastMessage.id === message.id ? { ...conversation, lastMessage: message } : conversation;
  }
  const mine = message.senderId === me;
  const activity = Date.parse(message.createdAt) > Date.parse(conversation.lastActivityAt) ? message.createdAt : conversation.lastActivityAt;
  return {
    ...conversation,
    lastSeq: Math.max(conversation.lastSeq, message.seq),
    lastMessage: message,
    lastActivityAt: activity,
    readUpToSeq: mine ? Math.max(conversation.readUpToSeq, message.seq) : conversation.readUpToSeq,
    unread: mine ? 0 : !message.deleted && message.seq > conversation.readUpToSeq ? conversation.unread + 1 : conversation.unread,
    members: mine ? conversation.members.map((m) => (m.userId === me ? { ...m, readUpToSeq: Math.max(m.readUpToSeq, message.seq) } : m)) : conversation.members,
  };
}

/** An edit or a tombstone: the preview follows, and a deleted unread message no longer counts. */
export function conversationWithUpdate(conversation: ConversationDto, message: MessageDto, wasDeleted: boolean, me: string): ConversationDto {
  const lastMessage = conversation.lastMessage && conversation.lastMessage.id === message.id ? message : conversation.lastMessage;
  const nowUnreadGone = message.deleted && !wasDeleted && message.senderId !== me && message.seq > conversation.readUpToSeq;
  return { ...conversation, lastMessage, unread: nowUnreadGone ? Math.max(0, conversation.unread - 1) : conversation.unread };
}

/**
 * Someone read up to `seq`. For a member it moves their read position (ticks on my messages follow); for me (another
 * tab or device, or my own MarkRead) it moves mine and recounts the unread messages.
 */
export function applyReadUpTo(
  conversation: ConversationDto,
  event: ReadUpToEvent,
  me: string,
  loaded: readonly UiMessage[],
): ConversationDto {
  const members = conversation.members.map((m) => (m.userId === event.userId && event.seq > m.readUpToSeq ? { ...m, readUpToSeq: event.seq } : m));
  if (event.userId !== me || event.seq <= conversation.readUpToSeq) {
    return { ...conversation, members };
  }
  let unread: number;
  if (event.seq >= conversation.lastSeq) {
    unread = 0;
  } else if (minSeq(loaded) > 0 && minSeq(loaded) <= event.seq + 1 && maxSeq(loaded) >= conversation.lastSeq) {
    unread = countUnread(loaded, event.seq, me);
  } else {
    unread = Math.min(conversation.unread, conversation.lastSeq - event.seq);
  }
  return { ...conversation, members, readUpToSeq: event.seq, unread };
}

/** A user's presence changed: every conversation they are in shows it. */
export function applyPresence(conversation: ConversationDto, event: PresenceChanged): ConversationDto {
  if (!conversation.members.some((m) => m.userId === event.userId)) {
    return conversation;
  }
  return {
    ...conversation,
    members: conversation.members.map((m) =>
      m.userId === event.userId ? { ...m, presence: { status: event.status, lastSeenAt: event.lastSeenAt } } : m,
    ),
  };
}

/** The other person of a direct chat. */
export function otherMember(conversation: ConversationDto, me: string): Member | undefined {
  return conversation.members.find((m) => m.userId !== me);
}

/** Whether I may delete a message: my own, or anyone's in a group I own or administer. */
export function canDelete(message: UiMessage, conversation: ConversationDto, me: string): boolean {
  if (message.deleted || message.status !== 'sent') {
    return false;
  }
  return message.senderId === me || (conversation.kind === 'group' && (conversation.myRole === 'owner' || conversation.myRole === 'admin'));
}

/** Whether I may edit a message: my own, stored and not deleted. */
export function canEdit(message: UiMessage, me: string): boolean {
  return message.senderId === me && message.status === 'sent' && !message.deleted;
}

// ---- read ticks ----

export interface ReadTick {
  state: 'sent' | 'read';
  /** The other members who have read the message (groups show their count and names). */
  seenBy: string[];
}

/**
 * The tick on one of my stored messages: "read" once another member's read position reaches it (in a direct chat the
 * other person; in a group anyone, with the names of all who have).
 */
export function readTick(message: UiMessage, conversation: ConversationDto, me: string): ReadTick {
  const seenBy = conversation.members.filter((m) => m.userId !== me && m.readUpToSeq >= message.seq).map((m) => m.displayName);
  return { state: seenBy.length > 0 ? 'read' : 'sent', seenBy };
}

// ---- typing ----

/** Someone started typing (or typed again): shown until their `expiresAt`. */
export function addTypist(typists: readonly Typist[], event: TypingEvent, now: number): Typist[] {
  const expiresAt = Date.parse(event.expiresAt);
  const until = Number.isFinite(expiresAt) ? expiresAt : now + 5000;
  return [...pruneTypists(typists, now).filter((t) => t.userId !== event.userId), { userId: event.userId, displayName: event.displayName, expiresAt: until }];
}

/** Drops those whose time is up. */
export function pruneTypists(typists: readonly Typist[], now: number): Typist[] {
  const left = typists.filter((t) => t.expiresAt > now);
  return left.length === typists.length ? (typists as Typist[]) : left;
}

/** Their message arrived: they are no longer typing it. */
export function removeTypist(typists: readonly Typist[], userId: string): Typist[] {
  return typists.some((t) => t.userId === userId) ? typists.filter((t) => t.userId !== userId) : (typists as Typist[]);
}

/** "Ann is typing…", "Ann and Bob are typing…", "3 people are typing…"; "" when nobody is. */
export function typingText(typists: readonly Typist[]): string {
  const names = typists.map((t) => t.displayName);
  if (names.length === 0) {
    return '';
  }
  if (names.length === 1) {
    return `${names[0]} is typing…`;
  }
  if (names.length === 2) {
    return `${names[0]} and ${names[1]} are typing…`;
  }
  return `${names.length} people are typing…`;
}

// ---- reconnecting ----

/** Delay before the next reconnect attempt: 0, 1, 2, 5, 10 s, then every 10 s, forever. */
export function retryDelay(previousRetryCount: number): number {
  const steps = [0, 1000, 2000, 5000, 10000];
  return steps[Math.min(previousRetryCount, steps.length - 1)] ?? 10000;
}

// The token's renewal delay lives with the token (shared with the studio).
export { renewDelay } from '../http.ts';
