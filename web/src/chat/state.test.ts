import { describe, expect, it } from 'vitest';
import {
  addPending,
  addTypist,
  applyReactions,
  applyReadUpTo,
  applyUpdate,
  canDelete,
  canEdit,
  conversationWithMessage,
  conversationWithUpdate,
  markFailed,
  mergeMessages,
  pendingId,
  pruneTypists,
  readTick,
  removeTypist,
  renewDelay,
  retryDelay,
  sortConversations,
  stored,
  toggleReaction,
  typingText,
} from './state.ts';
import type { UiMessage } from './types.ts';

import { ANN, BOB, conversation, ME, member, message } from './fixtures.ts';


function pending(clientMessageId: string, text = 'hi'): UiMessage {
  return { ...message(0, { id: pendingId(clientMessageId), clientMessageId, senderId: ME, senderName: 'Me', text }), status: 'pending' };
}



const seqs = (list: UiMessage[]) => list.map((m) => (m.status === 'sent' ? m.seq : m.clientMessageId));

describe('mergeMessages', () => {
  it('orders by seq and keeps one copy of each message', () => {
    const first = mergeMessages([], [message(3), message(1)]);
    const merged = mergeMessages(first, [message(2), message(3), message(1)]);
    expect(seqs(merged)).toEqual([1, 2, 3]);
  });

  it('replaces my pending message by the stored one with its clientMessageId, so it never shows twice', () => {
    const withPending = addPending(mergeMessages([], [message(1)]), pending('abc'));
    expect(seqs(withPending)).toEqual([1, 'abc']);
    const stored2 = message(2, { clientMessageId: 'abc', senderId: ME, text: 'hi' });
    const afterAnswer = mergeMessages(withPending, [stored2]);
    expect(seqs(afterAnswer)).toEqual([1, 2]);
    // The MessageCreated event for the same message arrives after the answer to Send.
    expect(seqs(mergeMessages(afterAnswer, [stored2]))).toEqual([1, 2]);
  });

  it('keeps pending messages after the stored ones even when older pages arrive', () => {
    const list = addPending(mergeMessages([], [message(10)]), pending('p'));
    expect(seqs(mergeMessages(list, [message(8), message(9)]))).toEqual([8, 9, 10, 'p']);
  });

  it('does not take a message of someone else with the same clientMessageId for mine', () => {
    const list = addPending([], pending('same'));
    expect(seqs(mergeMessages(list, [message(1, { clientMessageId: 'same', senderId: ANN })]))).toEqual([1, 'same']);
  });

  it('keeps a tombstone when an older copy of the message arrives later (a catch-up page)', () => {
    const deleted = mergeMessages([], [message(1, { deleted: true, text: '' })]);
    const merged = mergeMessages(deleted, [message(1)]);
    expect(merged[0]?.deleted).toBe(true);
    expect(merged[0]?.text).toBe('');
  });

  it('keeps the later edit', () => {
    const edited = mergeMessages([], [message(1, { text: 'new', editedAt: '2026-11-22T11:00:00Z' })]);
    expect(mergeMessages(edited, [message(1)])[0]?.text).toBe('new');
  });
});

describe('sending states', () => {
  it('a failed send stays with its error, and a retry with the same clientMessageId is one message again', () => {
    const list = addPending([], pending('x', 'hello'));
    const failed = markFailed(list, 'x', 'Too many messages: wait 3 s.');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.status).toBe('failed');
    expect(failed[0]?.error).toBe('Too many messages: wait 3 s.');
    const retried = addPending(failed, failed[0] as UiMessage);
    expect(retried).toHaveLength(1);
    expect(retried[0]?.status).toBe('pending');
    expect(retried[0]?.clientMessageId).toBe('x');
  });

  it('a retry of a message that the server stored meanwhile adds nothing', () => {
    const list = mergeMessages(addPending([], pending('x')), [message(4, { clientMessageId: 'x', senderId: ME })]);
    expect(seqs(addPending(list, pending('x')))).toEqual([4]);
  });
});

describe('edits, deletes and reactions', () => {
  it('applies an edit and a tombstone to the loaded message and to replies quoting it', () => {
    const list = mergeMessages([], [message(1), message(2, { replyTo: { id: 'm1', seq: 1, senderName: 'Ann', text: 'message 1', deleted: false } })]);
    const edited = applyUpdate(list, message(1, { text: 'fixed', editedAt: '2026-11-22T12:00:00Z' }));
    expect(edited[0]?.text).toBe('fixed');
    expect(edited[0]?.editedAt).not.toBeNull();
    expect(edited[1]?.replyTo?.text).toBe('fixed');
    const deleted = applyUpdate(edited, message(1, { text: '', deleted: true }));
    expect(deleted[0]?.deleted).toBe(true);
    expect(deleted[1]?.replyTo?.deleted).toBe(true);
  });

  it('sets reactions of one message only', () => {
    const list = mergeMessages([], [message(1), message(2)]);
    const reacted = applyReactions(list, 'm2', [{ emoji: '👍', count: 1, userIds: [ANN] }]);
    expect(reacted[0]?.reactions).toEqual([]);
    expect(reacted[1]?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [ANN] }]);
  });

  it('toggles my reaction: adds me, counts, removes me, drops an emoji nobody uses', () => {
    const one = toggleReaction([{ emoji: '👍', count: 1, userIds: [ANN] }], '👍', ME);
    expect(one).toEqual([{ emoji: '👍', count: 2, userIds: [ANN, ME] }]);
    expect(toggleReaction(one, '👍', ME)).toEqual([{ emoji: '👍', count: 1, userIds: [ANN] }]);
    expect(toggleReaction(toggleReaction([], '🎉', ME), '🎉', ME)).toEqual([]);
  });

  it('lets me edit only my stored messages, and delete mine or, as group owner/admin, anyone\'s', () => {
    const ann = stored(message(1));
    const mine = stored(message(2, { senderId: ME }));
    expect(canEdit(mine, ME)).toBe(true);
    expect(canEdit(ann, ME)).toBe(false);
    expect(canEdit({ ...mine, status: 'pending' }, ME)).toBe(false);
    expect(canDelete(ann, conversation(), ME)).toBe(false);
    expect(canDelete(mine, conversation(), ME)).toBe(true);
    expect(canDelete(ann, conversation({ kind: 'group', myRole: 'admin' }), ME)).toBe(true);
    expect(canDelete(ann, conversation({ kind: 'group', myRole: 'member' }), ME)).toBe(false);
    expect(canDelete({ ...mine, deleted: true }, conversation(), ME)).toBe(false);
  });
});

describe('conversations and unread counts', () => {
  it('counts a new message of someone else as unread, once', () => {
    const c = conversation({ lastSeq: 3, readUpToSeq: 3 });
    const once = conversationWithMessage(c, message(4), ME);
    expect(once.unread).toBe(1);
    expect(once.lastSeq).toBe(4);
    expect(once.lastMessage?.id).toBe('m4');
    expect(conversationWithMessage(once, message(4), ME).unread).toBe(1);
  });

  it('my own message means I have read everything before it', () => {
    const c = conversation({ lastSeq: 3, readUpToSeq: 1, unread: 2 });
    const after = conversationWithMessage(c, message(4, { senderId: ME }), ME);
    expect(after.unread).toBe(0);
    expect(after.readUpToSeq).toBe(4);
  });

  it('a deleted unread message no longer counts', () => {
    const c = conversationWithMessage(conversation({ lastSeq: 3, readUpToSeq: 3 }), message(4), ME);
    const after = conversationWithUpdate(c, message(4, { deleted: true, text: '' }), false, ME);
    expect(after.unread).toBe(0);
    expect(after.lastMessage?.deleted).toBe(true);
  });

  it('ReadUpTo of mine (another tab) clears unread up to that message', () => {
    const loaded = mergeMessages([], [message(1), message(2), message(3)]);
    const c = conversation({ lastSeq: 3, readUpToSeq: 0, unread: 3 });
    expect(applyReadUpTo(c, { conversationId: 'c1', userId: ME, seq: 2 }, ME, loaded).unread).toBe(1);
    expect(applyReadUpTo(c, { conversationId: 'c1', userId: ME, seq: 3 }, ME, loaded).unread).toBe(0);
  });

  it('ReadUpTo of another member moves their position only forwards', () => {
    const c = conversation({ lastSeq: 5, members: [member(ME, 'Me'), member(ANN, 'Ann', 4)] });
    expect(applyReadUpTo(c, { conversationId: 'c1', userId: ANN, seq: 5 }, ME, []).members[1]?.readUpToSeq).toBe(5);
    expect(applyReadUpTo(c, { conversationId: 'c1', userId: ANN, seq: 2 }, ME, []).members[1]?.readUpToSeq).toBe(4);
  });

  it('sorts by the most recent activity first', () => {
    const old = conversation({ id: 'old', lastActivityAt: '2026-11-20T10:00:00Z' });
    const fresh = conversation({ id: 'fresh', lastActivityAt: '2026-11-22T10:00:00Z' });
    const bumped = conversationWithMessage(old, message(1, { createdAt: '2026-11-23T08:00:00Z' }), ME);
    expect(sortConversations([old, fresh]).map((c) => c.id)).toEqual(['fresh', 'old']);
    expect(sortConversations([fresh, bumped]).map((c) => c.id)).toEqual(['old', 'fresh']);
  });
});

describe('read ticks', () => {
  const mine = stored(message(5, { senderId: ME }));

  it('direct chat: ✓ sent until the other reads, then read', () => {
    expect(readTick(mine, conversation({ members: [member(ME, 'Me', 5), member(ANN, 'Ann', 4)] }), ME)).toEqual({ state: 'sent', seenBy: [] });
    expect(readTick(mine, conversation({ members: [member(ME, 'Me', 5), member(ANN, 'Ann', 5)] }), ME)).toEqual({ state: 'read', seenBy: ['Ann'] });
  });

  it('group: seen by the members whose read position reached it, never counting me', () => {
    const group = conversation({ kind: 'group', members: [member(ME, 'Me', 9), member(ANN, 'Ann', 7), member(BOB, 'Bob', 3), member('cy', 'Cy', 5)] });
    expect(readTick(mine, group, ME)).toEqual({ state: 'read', seenBy: ['Ann', 'Cy'] });
    const afterBob = applyReadUpTo(group, { conversationId: 'c1', userId: BOB, seq: 6 }, ME, []);
    expect(readTick(mine, afterBob, ME).seenBy).toHaveLength(3);
  });
});

describe('typing', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  const event = (userId: string, displayName: string, inMs: number) => ({
    conversationId: 'c1',
    userId,
    displayName,
    expiresAt: new Date(now + inMs).toISOString(),
  });

  it('shows who is typing until expiresAt', () => {
    const typists = addTypist(addTypist([], event(ANN, 'Ann', 5000), now), event(BOB, 'Bob', 2000), now);
    expect(typingText(typists)).toBe('Ann and Bob are typing…');
    expect(typingText(pruneTypists(typists, now + 3000))).toBe('Ann is typing…');
    expect(typingText(pruneTypists(typists, now + 5000))).toBe('');
  });

  it('a new Typing event extends the time, and their message ends it', () => {
    let typists = addTypist([], event(ANN, 'Ann', 1000), now);
    typists = addTypist(typists, event(ANN, 'Ann', 5000), now + 500);
    expect(typists).toHaveLength(1);
    expect(typingText(pruneTypists(typists, now + 2000))).toBe('Ann is typing…');
    expect(typingText(removeTypist(typists, ANN))).toBe('');
  });

  it('names three or more by count', () => {
    const typists = [ANN, BOB, 'cy'].reduce((list, id) => addTypist(list, event(id, id, 5000), now), [] as ReturnType<typeof addTypist>);
    expect(typingText(typists)).toBe('3 people are typing…');
  });
});

describe('timing', () => {
  it('reconnects with a capped backoff forever', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(retryDelay)).toEqual([0, 1000, 2000, 5000, 10000, 10000, 10000]);
  });

  it('renews the token a minute before it expires', () => {
    expect(renewDelay(900)).toBe(840_000);
    expect(renewDelay(30)).toBe(5000);
  });
});
