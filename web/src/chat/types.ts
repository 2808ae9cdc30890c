// The messenger's data shapes, as docs/chat.md defines them (JSON, camelCase).

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface Presence {
  status: PresenceStatus;
  lastSeenAt: string | null;
}

export type Role = 'owner' | 'admin' | 'member';

export interface Member {
  userId: string;
  displayName: string;
  role: Role;
  readUpToSeq: number;
  presence: Presence;
}

export type AttachmentKind = 'image' | 'audio' | 'video' | 'document' | 'model';

export interface Attachment {
  id: string;
  kind: AttachmentKind;
  fileName: string;
  contentType: string;
  size: number;
  url: string;
  thumbnailUrl: string | null;
  posterUrl: string | null;
  waveformUrl: string | null;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
}

export interface Reaction {
  emoji: string;
  count: number;
  userIds: string[];
}

export interface ReplySummary {
  id: string;
  seq: number;
  senderName: string;
  text: string;
  deleted: boolean;
}

export interface MessageDto {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  senderName: string;
  clientMessageId: string;
  text: string;
  mentions: string[];
  replyTo: ReplySummary | null;
  attachments: Attachment[];
  reactions: Reaction[];
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
}

export interface ConversationDto {
  id: string;
  kind: 'direct' | 'group';
  title: string;
  name: string | null;
  description: string | null;
  lastSeq: number;
  readUpToSeq: number;
  unread: number;
  myRole: Role;
  lastMessage: MessageDto | null;
  members: Member[];
  createdAt: string;
  lastActivityAt: string;
}

export type MessageStatus = 'pending' | 'sent' | 'failed';

/**
 * A message as the UI holds it: a stored one (status "sent", seq ≥ 1) or one of mine not yet stored
 * (status "pending" or "failed", seq 0, id "pending:<clientMessageId>").
 */
export interface UiMessage extends MessageDto {
  status: MessageStatus;
  /** Why the last attempt failed (status "failed"). */
  error?: string;
  /** What a retry sends again. */
  replyToId?: string | null;
  attachmentIds?: string[];
}

export interface ReactionsChanged {
  conversationId: string;
  messageId: string;
  reactions: Reaction[];
}

export interface TypingEvent {
  conversationId: string;
  userId: string;
  displayName: string;
  expiresAt: string;
}

export interface ReadUpToEvent {
  conversationId: string;
  userId: string;
  seq: number;
}

export interface PresenceChanged {
  userId: string;
  status: PresenceStatus;
  lastSeenAt: string | null;
}

export interface ConversationChanged {
  conversationId: string;
}

export interface UserSearchResult {
  id: string;
  displayName: string;
  presence: Presence | null;
}

/** What POST /api/v1/media answers (the fields the chat uses). */
export interface UploadedMedia {
  id: string;
  kind: AttachmentKind;
  fileName: string;
  contentType: string;
  size: number;
  url: string;
  thumbnailUrl?: string | null;
  width?: number | null;
  height?: number | null;
}

/** Someone typing in a conversation, until `expiresAt` (ms since the epoch). */
export interface Typist {
  userId: string;
  displayName: string;
  expiresAt: number;
}
