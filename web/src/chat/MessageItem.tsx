// One message: sender, quoted reply, text (links and mentions as React nodes, never HTML), attachments, reactions,
// time, "edited", read ticks on mine, and its actions (reply, react, and edit/delete where allowed).

import { memo, useEffect, useRef, useState, type ReactNode } from 'react';
import { canDelete, canEdit, readTick } from './state.ts';
import { formatBytes, segmentText, timeOfDay } from './text.ts';
import type { Attachment, ConversationDto, UiMessage } from './types.ts';
import { Icon, inputClass } from './ui.tsx';

export const COMMON_EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

/** The text of a message with URLs as links and `@Name` of the mentioned members highlighted. */
export function MessageText({ text, mentionNames }: { text: string; mentionNames: readonly string[] }) {
  return (
    <>
      {segmentText(text, mentionNames).map((segment, i) =>
        segment.kind === 'link' ? (
          <a key={i} href={segment.href} target="_blank" rel="noopener noreferrer nofollow" className="break-all underline">
            {segment.text}
          </a>
        ) : segment.kind === 'mention' ? (
          <mark key={i} data-mention className="rounded bg-amber-200 px-0.5 font-semibold text-zinc-900 dark:bg-amber-500/40 dark:text-amber-50">
            {segment.text}
          </mark>
        ) : (
          <span key={i}>{segment.text}</span>
        ),
      )}
    </>
  );
}

function AttachmentView({ attachment, onOpenImage }: { attachment: Attachment; onOpenImage: (url: string, alt: string) => void }) {
  switch (attachment.kind) {
    case 'image':
      return (
        <button type="button" className="block cursor-zoom-in" aria-label={`Open ${attachment.fileName}`} onClick={() => onOpenImage(attachment.url, attachment.fileName)}>
          <img
            data-testid="message-image"
            src={attachment.thumbnailUrl ?? attachment.url}
            alt={attachment.fileName}
            loading="lazy"
            {...(attachment.width && attachment.height ? { width: attachment.width, height: attachment.height } : {})}
            className="max-h-72 w-auto max-w-full rounded-lg object-contain"
          />
        </button>
      );
    case 'video':
      return <video controls preload="metadata" src={attachment.url} poster={attachment.posterUrl ?? undefined} className="max-h-72 max-w-full rounded-lg" aria-label={attachment.fileName} />;
    case 'audio':
      return <audio controls preload="metadata" src={attachment.url} className="w-64 max-w-full" aria-label={attachment.fileName} />;
    default:
      return (
        <a href={attachment.url} download={attachment.fileName} className="flex items-center gap-2 rounded-lg border border-current/20 px-3 py-2 underline">
          <Icon name="attach" />
          <span className="break-all">{attachment.fileName}</span>
          <span className="shrink-0 text-xs opacity-80">{formatBytes(attachment.size)}</span>
        </a>
      );
  }
}

/** Closes a popover on a click outside it or on Escape. */
function useDismiss(open: boolean, close: () => void) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) {
      return;
    }
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) {
        close();
      }
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, close]);
  return ref;
}

function ReactionPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [custom, setCustom] = useState('');
  const ref = useDismiss(true, onClose);
  const valid = custom.trim() !== '' && !/\s/.test(custom.trim()) && [...custom.trim()].length <= 32;
  return (
    <div ref={ref} role="group" aria-label="Pick a reaction" className="absolute bottom-full z-20 mb-1 flex flex-col gap-2 rounded-xl border border-zinc-200 bg-white p-2 text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-100">
      <div className="flex gap-1">
        {COMMON_EMOJI.map((emoji) => (
          <button
            key={emoji}
            type="button"
            aria-label={`React with ${emoji}`}
            className="size-9 cursor-pointer rounded-full text-xl hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-700"
            onClick={() => onPick(emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
      <form
        className="flex gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) {
            onPick(custom.trim());
          }
        }}
      >
        <input aria-label="Another emoji" className={`${inputClass} w-28`} placeholder="Other…" value={custom} onChange={(e) => setCustom(e.target.value)} />
        <button type="submit" disabled={!valid} className="cursor-pointer rounded-md px-2 text-sm font-semibold text-indigo-700 disabled:opacity-50 dark:text-indigo-300">
          Add
        </button>
      </form>
    </div>
  );
}

function Menu({ children, onClose }: { children: ReactNode; onClose: () => void }) {
  const ref = useDismiss(true, onClose);
  return (
    <div ref={ref} role="menu" className="absolute top-full right-0 z-20 mt-1 flex min-w-32 flex-col rounded-lg border border-zinc-200 bg-white py-1 text-sm text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-100">
      {children}
    </div>
  );
}

const menuItem = 'cursor-pointer px-3 py-2 text-left hover:bg-zinc-100 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-700';
const actionButton =
  'inline-flex size-8 cursor-pointer items-center justify-center rounded-full text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-zinc-400 dark:hover:bg-zinc-700 dark:hover:text-white';

export interface MessageActions {
  reply(message: UiMessage): void;
  react(message: UiMessage, emoji: string): void;
  edit(message: UiMessage): void;
  remove(message: UiMessage): void;
  retry(message: UiMessage): void;
  jumpTo(seq: number): void;
  openImage(url: string, alt: string): void;
}

interface Props {
  message: UiMessage;
  conversation: ConversationDto;
  me: string;
  /** Show the sender's name (groups, first of a run). */
  showSender: boolean;
  highlighted: boolean;
  actions: MessageActions;
}

function MessageItemView({ message, conversation, me, showSender, highlighted, actions }: Props) {
  const [menuOpen, setMenuOpen] = useState(false);
  const [pickerOpen, setPickerOpen] = useState(false);
  const mine = message.senderId === me;
  const names = new Map(conversation.members.map((m) => [m.userId, m.displayName]));
  const mentionNames = message.mentions.map((id) => names.get(id)).filter((n): n is string => n !== undefined);
  const editable = canEdit(message, me);
  const deletable = canDelete(message, conversation, me);
  const tick = mine && message.status === 'sent' && !message.deleted ? readTick(message, conversation, me) : null;
  const stored = message.status === 'sent' && !message.deleted;

  return (
    <div
      data-testid="message"
      data-seq={message.status === 'sent' ? message.seq : ''}
      data-message-id={message.id}
      data-status={message.status}
      className={`group flex flex-col px-3 py-0.5 ${mine ? 'items-end' : 'items-start'}`}
    >
      {showSender && !mine && <span className="mb-0.5 px-2 text-xs font-semibold text-indigo-700 dark:text-indigo-300">{message.senderName}</span>}
      <div className={`flex max-w-[85%] items-end gap-1 sm:max-w-[70%] ${mine ? 'flex-row-reverse' : ''}`}>
        <div
          className={`min-w-0 rounded-2xl px-3 py-2 transition-shadow ${highlighted ? 'ring-4 ring-amber-400' : ''} ${
            message.deleted
              ? 'border border-dashed border-zinc-300 text-zinc-500 italic dark:border-zinc-700 dark:text-zinc-400'
              : mine
                ? 'bg-indigo-700 text-white dark:bg-indigo-600'
                : 'bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100'
          } ${message.status === 'pending' ? 'opacity-70' : ''}`}
        >
          {message.replyTo !== null && !message.deleted && (
            <button
              type="button"
              data-testid="reply-quote"
              onClick={() => message.replyTo && actions.jumpTo(message.replyTo.seq)}
              aria-label={`Reply to ${message.replyTo.senderName}: go to the original message`}
              className={`mb-1 block w-full cursor-pointer rounded-md border-l-4 px-2 py-1 text-left text-sm ${mine ? 'border-white/70 bg-white/15' : 'border-indigo-500 bg-white/70 dark:bg-zinc-900/60'}`}
            >
              <span className="block text-xs font-semibold">{message.replyTo.senderName}</span>
              <span className="line-clamp-2 break-words">{message.replyTo.deleted ? 'Message deleted' : message.replyTo.text || '📎 Attachment'}</span>
            </button>
          )}
          {message.deleted ? (
            <p data-testid="message-deleted">Message deleted</p>
          ) : (
            <>
              {message.attachments.length > 0 && (
                <div className="mb-1 flex flex-col gap-1">
                  {message.attachments.map((a) => (
                    <AttachmentView key={a.id} attachment={a} onOpenImage={actions.openImage} />
                  ))}
                </div>
              )}
              {message.text !== '' && (
                <p data-testid="message-text" className="break-words whitespace-pre-wrap">
                  <MessageText text={message.text} mentionNames={mentionNames} />
                </p>
              )}
            </>
          )}
          <div className={`mt-0.5 flex items-center justify-end gap-1 text-[11px] ${mine && !message.deleted ? 'text-indigo-100' : 'text-zinc-500 dark:text-zinc-400'}`}>
            {message.editedAt !== null && !message.deleted && <span data-testid="message-edited">edited</span>}
            <time dateTime={message.createdAt}>{timeOfDay(message.createdAt)}</time>
            {message.status === 'pending' && <span aria-label="Sending">🕓</span>}
            {tick !== null && (
              <span
                data-testid="read-tick"
                data-state={tick.state}
                {...(conversation.kind === 'group' ? { 'data-seen-count': tick.seenBy.length } : {})}
                title={tick.state === 'read' ? `Seen by ${tick.seenBy.join(', ')}` : 'Sent'}
                aria-label={tick.state === 'read' ? (conversation.kind === 'group' ? `Seen by ${tick.seenBy.length}: ${tick.seenBy.join(', ')}` : 'Read') : 'Sent'}
              >
                {tick.state === 'read' ? '✓✓' : '✓'}
                {conversation.kind === 'group' && tick.seenBy.length > 0 && <span className="ml-1">Seen by {tick.seenBy.length}</span>}
              </span>
            )}
          </div>
        </div>
        {stored && (
          <div className="relative flex shrink-0 items-center opacity-100 sm:opacity-0 sm:group-focus-within:opacity-100 sm:group-hover:opacity-100">
            <button type="button" data-testid="reply-button" className={actionButton} aria-label="Reply" title="Reply" onClick={() => actions.reply(message)}>
              <Icon name="reply" className="size-4" />
            </button>
            <button
              type="button"
              data-testid="react-button"
              className={actionButton}
              aria-label="Add reaction"
              title="React"
              aria-expanded={pickerOpen}
              onClick={() => setPickerOpen((o) => !o)}
            >
              <Icon name="smile" className="size-4" />
            </button>
            {(editable || deletable) && (
              <button
                type="button"
                data-testid="message-menu-button"
                className={actionButton}
                aria-label="Message actions"
                aria-haspopup="menu"
                aria-expanded={menuOpen}
                onClick={() => setMenuOpen((o) => !o)}
              >
                <Icon name="more" className="size-4" />
              </button>
            )}
            {pickerOpen && (
              <ReactionPicker
                onClose={() => setPickerOpen(false)}
                onPick={(emoji) => {
                  setPickerOpen(false);
                  actions.react(message, emoji);
                }}
              />
            )}
            {menuOpen && (
              <Menu onClose={() => setMenuOpen(false)}>
                {editable && (
                  <button
                    type="button"
                    role="menuitem"
                    data-testid="edit-button"
                    className={menuItem}
                    onClick={() => {
                      setMenuOpen(false);
                      actions.edit(message);
                    }}
                  >
                    Edit
                  </button>
                )}
                {deletable && (
                  <button
                    type="button"
                    role="menuitem"
                    data-testid="delete-button"
                    className={`${menuItem} text-red-700 dark:text-red-400`}
                    onClick={() => {
                      setMenuOpen(false);
                      actions.remove(message);
                    }}
                  >
                    Delete
                  </button>
                )}
              </Menu>
            )}
          </div>
        )}
      </div>
      {message.reactions.length > 0 && !message.deleted && (
        <ul className={`mt-0.5 flex flex-wrap gap-1 ${mine ? 'justify-end' : ''}`} aria-label="Reactions">
          {message.reactions.map((r) => {
            const who = r.userIds.map((id) => (id === me ? 'You' : (names.get(id) ?? 'Someone'))).join(', ');
            const minePressed = r.userIds.includes(me);
            return (
              <li key={r.emoji}>
                <button
                  type="button"
                  data-testid="reaction"
                  data-emoji={r.emoji}
                  aria-pressed={minePressed}
                  title={who}
                  aria-label={`${r.emoji} ${r.count}: ${who}`}
                  onClick={() => actions.react(message, r.emoji)}
                  className={`inline-flex cursor-pointer items-center gap-1 rounded-full border px-2 py-0.5 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                    minePressed ? 'border-indigo-500 bg-indigo-50 dark:border-indigo-400 dark:bg-indigo-950' : 'border-zinc-300 bg-white dark:border-zinc-600 dark:bg-zinc-900'
                  }`}
                >
                  <span>{r.emoji}</span>
                  <span className="text-xs font-semibold">{r.count}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {message.status === 'failed' && (
        <div className="mt-1 flex items-center gap-2 text-xs text-red-700 dark:text-red-400" role="alert">
          <span>Not sent{message.error ? `: ${message.error}` : ''}</span>
          <button type="button" className="cursor-pointer font-semibold underline" onClick={() => actions.retry(message)}>
            Retry
          </button>
        </div>
      )}
    </div>
  );
}

export const MessageItem = memo(MessageItemView);
