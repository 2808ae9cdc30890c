// The list of conversations: most recent first, unread badges, last message preview, presence of direct chats.

import { useMemo } from 'react';
import { useChat, useClient } from './context.ts';
import { otherMember, sortConversations } from './state.ts';
import type { ConversationDto, MessageDto } from './types.ts';
import { Avatar, Icon, iconButton } from './ui.tsx';

function preview(message: MessageDto | null, me: string, group: boolean): string {
  if (message === null) {
    return 'No messages yet';
  }
  const who = message.senderId === me ? 'You: ' : group ? `${message.senderName}: ` : '';
  if (message.deleted) {
    return `${who}Message deleted`;
  }
  const text = message.text.trim() || (message.attachments.length > 0 ? `📎 ${message.attachments.map((a) => a.fileName).join(', ')}` : '');
  return who + text.replace(/\s+/g, ' ');
}

function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const now = new Date();
  return date.toDateString() === now.toDateString()
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

function ConversationItem({ conversation, selected, me }: { conversation: ConversationDto; selected: boolean; me: string }) {
  const client = useClient();
  const other = conversation.kind === 'direct' ? otherMember(conversation, me) : undefined;
  const activity = conversation.lastMessage?.createdAt ?? conversation.lastActivityAt;
  return (
    <li>
      <button
        type="button"
        data-testid="conversation-item"
        data-conversation-id={conversation.id}
        aria-current={selected ? 'true' : undefined}
        onClick={() => client.select(conversation.id)}
        className={`flex w-full cursor-pointer items-center gap-3 px-3 py-3 text-left hover:bg-zinc-100 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-800 ${selected ? 'bg-indigo-50 dark:bg-zinc-800' : ''}`}
      >
        <Avatar name={conversation.title} status={other?.presence.status} />
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span className={`truncate ${conversation.unread > 0 ? 'font-bold' : 'font-semibold'}`}>{conversation.title}</span>
            <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">{when(activity)}</span>
          </span>
          <span className="flex items-center justify-between gap-2">
            <span className="truncate text-sm text-zinc-600 dark:text-zinc-400">{preview(conversation.lastMessage, me, conversation.kind === 'group')}</span>
            {conversation.unread > 0 && (
              <span
                data-testid="unread-badge"
                aria-label={`${conversation.unread} unread`}
                className="inline-flex min-w-5 shrink-0 items-center justify-center rounded-full bg-indigo-700 px-1.5 text-xs font-bold text-white dark:bg-indigo-500"
              >
                {conversation.unread}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

export function ConversationList({ onNewDirect, onNewGroup }: { onNewDirect: () => void; onNewGroup: () => void }) {
  const client = useClient();
  const conversations = useChat((s) => s.conversations);
  const selectedId = useChat((s) => s.selectedId);
  const listLoaded = useChat((s) => s.listLoaded);
  const nextCursor = useChat((s) => s.nextCursor);
  const me = useChat((s) => s.me.id);
  const sorted = useMemo(() => sortConversations(Object.values(conversations)), [conversations]);
  const unreadTotal = sorted.reduce((sum, c) => sum + c.unread, 0);
  return (
    <nav aria-label="Conversations" className="flex h-full min-h-0 flex-col">
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h1 className="text-lg font-semibold">
          Chats
          {unreadTotal > 0 && <span className="sr-only">, {unreadTotal} unread</span>}
        </h1>
        <div className="flex gap-1">
          <button type="button" data-testid="new-direct-button" className={iconButton} aria-label="New direct chat" title="New direct chat" onClick={onNewDirect}>
            <Icon name="plus" />
          </button>
          <button type="button" data-testid="new-group-button" className={iconButton} aria-label="New group" title="New group" onClick={onNewGroup}>
            <Icon name="users" />
          </button>
        </div>
      </div>
      <ul className="min-h-0 flex-1 divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800">
        {sorted.map((c) => (
          <ConversationItem key={c.id} conversation={c} selected={c.id === selectedId} me={me} />
        ))}
        {listLoaded && sorted.length === 0 && (
          <li className="p-6 text-center text-sm text-zinc-600 dark:text-zinc-400">No conversations yet. Start one with the buttons above.</li>
        )}
        {!listLoaded && <li className="p-6 text-center text-sm text-zinc-600 dark:text-zinc-400">Loading…</li>}
        {nextCursor !== null && (
          <li className="p-3 text-center">
            <button type="button" className="cursor-pointer text-sm font-semibold text-indigo-700 underline dark:text-indigo-300" onClick={() => void client.loadConversations(true)}>
              Show older conversations
            </button>
          </li>
        )}
      </ul>
    </nav>
  );
}
