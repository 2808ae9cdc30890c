// Test data for the chat's Vitest suites (imported by tests only, never by the app).
import type { ConversationDto, Member, MessageDto, PresenceStatus } from './types.ts';

export const ME = 'me';
export const ANN = 'ann';
export const BOB = 'bob';

/** A stored message of Ann's in conversation c1, numbered `seq` (minute `seq` past 10:00 on 22 November 2026). */
export function message(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    senderId: ANN,
    senderName: 'Ann',
    clientMessageId: `cm${seq}`,
    text: `message ${seq}`,
    mentions: [],
    replyTo: null,
    attachments: [],
    reactions: [],
    createdAt: `2026-11-22T10:${String(seq).padStart(2, '0')}:00Z`,
    editedAt: null,
    deleted: false,
    ...overrides,
  };
}

export function member(userId: string, displayName: string, readUpToSeq = 0, status: PresenceStatus = 'online'): Member {
  return { userId, displayName, role: 'member', readUpToSeq, presence: { status, lastSeenAt: null } };
}

/** Conversation c1: a direct chat between me and Ann, empty and read. */
export function conversation(overrides: Partial<ConversationDto> = {}): ConversationDto {
  return {
    id: 'c1',
    kind: 'direct',
    title: 'Ann',
    name: null,
    description: null,
    lastSeq: 0,
    readUpToSeq: 0,
    unread: 0,
    myRole: 'member',
    lastMessage: null,
    members: [member(ME, 'Me'), member(ANN, 'Ann')],
    createdAt: '2026-11-22T09:00:00Z',
    lastActivityAt: '2026-11-22T09:00:00Z',
    ...overrides,
  };
}
