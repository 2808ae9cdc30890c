// One conversation: header (back button on narrow screens, presence or member count, group settings), the messages
// (older pages load when scrolling up, day separators, stick to the end while at the end), typing, and the composer.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Composer, type ComposerHandle } from './Composer.tsx';
import { useChat, useClient } from './context.ts';
import { GroupSettingsDialog } from './Dialogs.tsx';
import { MessageItem, type MessageActions } from './MessageItem.tsx';
import { otherMember, typingText } from './state.ts';
import { dayLabel, dayStarts } from './text.ts';
import type { ConversationDto, UiMessage } from './types.ts';
import { Icon, iconButton, presenceLabel } from './ui.tsx';

const EMPTY: UiMessage[] = [];

function lastSeen(iso: string | null): string {
  if (iso === null) {
    return 'Offline';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? 'Offline' : `Last seen ${date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}`;
}

function Header({ conversation, me, onBack, onSettings }: { conversation: ConversationDto; me: string; onBack: () => void; onSettings: () => void }) {
  const other = conversation.kind === 'direct' ? otherMember(conversation, me) : undefined;
  const subtitle =
    other !== undefined
      ? other.presence.status === 'offline'
        ? lastSeen(other.presence.lastSeenAt)
        : presenceLabel[other.presence.status]
      : `${conversation.members.length} members`;
  return (
    <header className="flex items-center gap-2 border-b border-zinc-200 px-2 py-2 dark:border-zinc-800">
      <button type="button" className={`${iconButton} md:hidden`} aria-label="Back to conversations" onClick={onBack}>
        <Icon name="back" />
      </button>
      <div className="min-w-0 flex-1 px-1">
        <h2 className="truncate font-semibold">{conversation.title}</h2>
        <p className="truncate text-xs text-zinc-600 dark:text-zinc-400">{subtitle}</p>
      </div>
      {conversation.kind === 'group' && (
        <button type="button" className={iconButton} aria-label="Group settings" title="Group settings" onClick={onSettings}>
          <Icon name="settings" />
        </button>
      )}
    </header>
  );
}

export function ConversationView({ conversation, onBack }: { conversation: ConversationDto; onBack: () => void }) {
  const client = useClient();
  const id = conversation.id;
  const me = useChat((s) => s.me.id);
  const messages = useChat((s) => s.messages[id] ?? EMPTY);
  const loaded = useChat((s) => s.messages[id] !== undefined);
  const hasOlder = useChat((s) => s.hasOlder[id] ?? false);
  const loadingOlder = useChat((s) => s.loadingOlder[id] ?? false);
  const typists = useChat((s) => s.typing[id] ?? EMPTY_TYPISTS);
  const visible = useChat((s) => s.visible);

  const [replyTo, setReplyTo] = useState<UiMessage | null>(null);
  const [editing, setEditing] = useState<UiMessage | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [image, setImage] = useState<{ url: string; alt: string } | null>(null);
  const [highlight, setHighlight] = useState<number | null>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const [dragging, setDragging] = useState(false);
  const [announcement, setAnnouncement] = useState('');

  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const composer = useRef<ComposerHandle>(null);
  const atBottomRef = useRef(true);
  const snapshot = useRef({ height: 0, top: 0, first: '', last: '', count: 0 });

  const scrollToEnd = useCallback(() => {
    const el = scroller.current;
    if (el) {
      el.scrollTop = el.scrollHeight;
    }
    atBottomRef.current = true;
    setAtBottom(true);
    setUnseen(0);
  }, []);

  // Keep the view where the reader is: after older messages come in above, the same message stays in place; while at
  // the end, new messages scroll into view; otherwise they are counted ("N new messages").
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) {
      return;
    }
    const first = messages[0]?.id ?? '';
    const last = messages[messages.length - 1]?.id ?? '';
    const before = snapshot.current;
    if (before.count > 0 && first !== before.first && last === before.last) {
      el.scrollTop = before.top + (el.scrollHeight - before.height);
    } else if (last !== before.last) {
      const arrived = before.count === 0 ? [] : messages.slice(messages.findIndex((m) => m.id === before.last) + 1).filter((m) => m.senderId !== me);
      const newOnes = arrived.length;
      if (newOnes > 0) {
        setAnnouncement(newOnes === 1 ? `New message from ${arrived[0]?.senderName ?? 'someone'}` : `${newOnes} new messages`);
      }
      const mineLast = messages[messages.length - 1]?.senderId === me;
      if (atBottomRef.current || mineLast || before.count === 0) {
        el.scrollTop = el.scrollHeight;
      } else if (newOnes > 0) {
        setUnseen((n) => n + newOnes);
      }
    }
    snapshot.current = { height: el.scrollHeight, top: el.scrollTop, first, last, count: messages.length };
    // Not enough to scroll: fetch older ones so that scrolling up can start.
    if (hasOlder && !loadingOlder && el.scrollHeight <= el.clientHeight + 50) {
      client.loadOlder(id).catch((e: unknown) => client.notify(String(e)));
    }
  }, [messages, me, hasOlder, loadingOlder, client, id]);

  // Images and video posters change the height after they load: stay at the end while there.
  useEffect(() => {
    if (typeof ResizeObserver === 'undefined' || !list.current) {
      return;
    }
    const observer = new ResizeObserver(() => {
      const el = scroller.current;
      if (el && atBottomRef.current) {
        el.scrollTop = el.scrollHeight;
      }
      if (el) {
        snapshot.current = { ...snapshot.current, height: el.scrollHeight, top: el.scrollTop };
      }
    });
    observer.observe(list.current);
    return () => observer.disconnect();
  }, []);

  // Read receipts: the newest messages are in view and the tab is visible.
  useEffect(() => {
    if (visible && atBottom && loaded) {
      client.markRead(id);
    }
  }, [client, id, visible, atBottom, loaded, messages]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) {
      return;
    }
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    atBottomRef.current = bottom;
    setAtBottom(bottom);
    if (bottom) {
      setUnseen(0);
    }
    snapshot.current = { ...snapshot.current, height: el.scrollHeight, top: el.scrollTop };
    if (el.scrollTop < 300 && hasOlder && !loadingOlder) {
      client.loadOlder(id).catch((e: unknown) => client.notify(String(e)));
    }
  };

  const jumpTo = useCallback(
    (seq: number) => {
      client
        .loadUntil(id, seq)
        .then((found) => {
          if (!found) {
            client.notify('The original message is no longer there.');
            return;
          }
          requestAnimationFrame(() => {
            const target = scroller.current?.querySelector<HTMLElement>(`[data-testid="message"][data-seq="${seq}"]`);
            target?.scrollIntoView({ block: 'center', behavior: 'smooth' });
            setHighlight(seq);
            setTimeout(() => setHighlight((h) => (h === seq ? null : h)), 2000);
          });
        })
        .catch((e: unknown) => client.notify(String(e)));
    },
    [client, id],
  );

  const actions = useMemo<MessageActions>(
    () => ({
      reply: (m) => {
        setEditing(null);
        setReplyTo(m);
      },
      react: (m, emoji) => void client.react(m, emoji),
      edit: (m) => {
        setReplyTo(null);
        setEditing(m);
      },
      remove: (m) => void client.remove(m),
      retry: (m) => void client.retry(m.conversationId, m.clientMessageId),
      jumpTo,
      openImage: (url, alt) => setImage({ url, alt }),
    }),
    [client, jumpTo],
  );

  const starts = useMemo(() => dayStarts(messages), [messages]);
  const typing = typingText(typists);

  return (
    <section
      aria-label={conversation.title}
      className="relative flex h-full min-h-0 flex-col"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) {
          setDragging(false);
        }
      }}
      onDrop={(e) => {
        if (e.dataTransfer.files.length > 0) {
          e.preventDefault();
          composer.current?.addFiles([...e.dataTransfer.files]);
        }
        setDragging(false);
      }}
    >
      <Header conversation={conversation} me={me} onBack={onBack} onSettings={() => setSettingsOpen(true)} />
      <div ref={scroller} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto overscroll-contain py-2" role="log" aria-label="Messages" aria-live="off">
        <div ref={list}>
          {loadingOlder && <p className="py-2 text-center text-xs text-zinc-500 dark:text-zinc-400">Loading older messages…</p>}
          {loaded && !hasOlder && messages.length > 0 && <p className="py-2 text-center text-xs text-zinc-500 dark:text-zinc-400">This is the beginning of the conversation.</p>}
          {!loaded && <p className="py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">Loading…</p>}
          {loaded && messages.length === 0 && <p className="py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">No messages yet. Say hello!</p>}
          {messages.map((m, i) => {
            const previous = messages[i - 1];
            const newDay = starts.has(i);
            return (
              <div key={m.status === 'sent' ? `s${m.seq}` : m.id}>
                {newDay && (
                  <div role="separator" className="my-3 flex items-center gap-3 px-4 text-xs font-semibold text-zinc-500 dark:text-zinc-400">
                    <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
                    <span>{dayLabel(m.createdAt)}</span>
                    <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
                  </div>
                )}
                <MessageItem
                  message={m}
                  conversation={conversation}
                  me={me}
                  showSender={conversation.kind === 'group' && (newDay || previous?.senderId !== m.senderId)}
                  highlighted={highlight !== null && m.seq === highlight && m.status === 'sent'}
                  actions={actions}
                />
              </div>
            );
          })}
        </div>
      </div>
      <div className="relative">
        {unseen > 0 && !atBottom && (
          <button
            type="button"
            onClick={scrollToEnd}
            className="absolute -top-12 left-1/2 flex -translate-x-1/2 cursor-pointer items-center gap-1 rounded-full bg-indigo-700 px-3 py-1.5 text-sm font-semibold text-white shadow-lg dark:bg-indigo-600"
          >
            <Icon name="down" className="size-4" />
            {unseen} new {unseen === 1 ? 'message' : 'messages'}
          </button>
        )}
        <p className="sr-only" aria-live="polite">
          {announcement}
        </p>
        <p data-testid="typing-indicator" aria-live="polite" className="h-5 truncate px-4 text-xs text-zinc-600 italic dark:text-zinc-400">
          {typing}
        </p>
      </div>
      <Composer
        key={id}
        ref={composer}
        conversationId={id}
        replyTo={replyTo}
        editing={editing}
        onCancelReply={() => setReplyTo(null)}
        onCancelEdit={() => setEditing(null)}
        onDone={scrollToEnd}
      />
      {dragging && (
        <div className="pointer-events-none absolute inset-0 z-10 flex items-center justify-center border-4 border-dashed border-indigo-500 bg-indigo-50/80 text-lg font-semibold text-indigo-900 dark:bg-indigo-950/80 dark:text-indigo-100">
          Drop files to attach them
        </div>
      )}
      {settingsOpen && conversation.kind === 'group' && <GroupSettingsDialog conversation={conversation} onClose={() => setSettingsOpen(false)} />}
      {image !== null && (
        <div role="dialog" aria-modal="true" aria-label={image.alt} className="fixed inset-0 z-50 flex items-center justify-center bg-black/90 p-4" onClick={() => setImage(null)} onKeyDown={(e) => e.key === 'Escape' && setImage(null)}>
          <img src={image.url} alt={image.alt} className="max-h-full max-w-full object-contain" />
          <button type="button" autoFocus className={`${iconButton} absolute top-3 right-3 bg-black/50 text-white`} aria-label="Close image" onClick={() => setImage(null)}>
            <Icon name="close" />
          </button>
        </div>
      )}
    </section>
  );
}

const EMPTY_TYPISTS: never[] = [];
