// The composer: a growing textarea (Enter sends, Shift+Enter breaks the line), the reply or edit chip, and files
// (picked, pasted or dropped) uploaded one request each with their own progress and a cancel button.

import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { uploadMedia } from './api.ts';
import { useClient } from './context.ts';
import { formatBytes } from './text.ts';
import type { UiMessage, UploadedMedia } from './types.ts';
import { Icon, iconButton } from './ui.tsx';

export const MAX_TEXT = 8000;
export const MAX_ATTACHMENTS = 10;

interface PendingUpload {
  key: number;
  file: File;
  fraction: number;
  state: 'uploading' | 'done' | 'failed';
  media?: UploadedMedia;
  error?: string;
  abort?: () => void;
}

export interface ComposerHandle {
  addFiles(files: readonly File[]): void;
  focus(): void;
}

interface Props {
  conversationId: string;
  replyTo: UiMessage | null;
  editing: UiMessage | null;
  onCancelReply(): void;
  onCancelEdit(): void;
  /** After a send or an edit (the view scrolls to the end). */
  onDone(): void;
  ref?: Ref<ComposerHandle>;
}

/** Drafts survive switching between conversations (not a reload). */
const drafts = new Map<string, string>();
let nextKey = 1;

export function Composer({ conversationId, replyTo, editing, onCancelReply, onCancelEdit, onDone, ref }: Props) {
  const client = useClient();
  const [text, setText] = useState(() => drafts.get(conversationId) ?? '');
  const [uploads, setUploads] = useState<PendingUpload[]>([]);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const uploadsRef = useRef(uploads);
  uploadsRef.current = uploads;

  useEffect(() => {
    drafts.set(conversationId, text);
  }, [conversationId, text]);

  // Editing puts the message's text in the box.
  useEffect(() => {
    if (editing !== null) {
      setText(editing.text);
      textarea.current?.focus();
    }
  }, [editing]);

  useEffect(() => {
    if (replyTo !== null) {
      textarea.current?.focus();
    }
  }, [replyTo]);

  // Uploads still running when the composer goes away are cancelled.
  useEffect(() => () => uploadsRef.current.forEach((u) => u.state === 'uploading' && u.abort?.()), []);

  const update = (key: number, change: Partial<PendingUpload>) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const addFiles = (files: readonly File[]) => {
    if (editing !== null) {
      return;
    }
    const room = MAX_ATTACHMENTS - uploadsRef.current.length;
    for (const file of files.slice(0, Math.max(0, room))) {
      const key = nextKey++;
      setUploads((list) => [...list, { key, file, fraction: 0, state: 'uploading' }]);
      client.api.tokens
        .get()
        .then((token) => {
          const upload = uploadMedia(file, token, (fraction) => update(key, { fraction }));
          update(key, { abort: upload.abort });
          return upload.promise;
        })
        .then((media) => update(key, { state: 'done', fraction: 1, media }))
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === 'AbortError') {
            setUploads((list) => list.filter((u) => u.key !== key));
          } else {
            update(key, { state: 'failed', error: error instanceof Error ? error.message : String(error) });
          }
        });
    }
    if (files.length > room) {
      client.notify(`At most ${MAX_ATTACHMENTS} files per message.`);
    }
  };

  useImperativeHandle(ref, () => ({ addFiles, focus: () => textarea.current?.focus() }));

  const uploading = uploads.some((u) => u.state === 'uploading');
  const ready = uploads.filter((u) => u.state === 'done' && u.media).map((u) => u.media as UploadedMedia);
  const trimmed = text.trim();
  const tooLong = trimmed.length > MAX_TEXT;
  const canSend = !uploading && !tooLong && (editing !== null ? trimmed !== '' && trimmed !== editing.text : trimmed !== '' || ready.length > 0);

  const submit = () => {
    if (!canSend) {
      return;
    }
    if (editing !== null) {
      void client.edit(editing, trimmed);
      onCancelEdit();
    } else {
      void client.send(conversationId, trimmed, replyTo, ready);
      onCancelReply();
      setUploads([]);
    }
    setText('');
    drafts.delete(conversationId);
    onDone();
    textarea.current?.focus();
  };

  const rows = Math.min(6, Math.max(1, text.split('\n').length));

  return (
    <div className="border-t border-zinc-200 bg-white p-2 dark:border-zinc-800 dark:bg-zinc-950">
      {(replyTo !== null || editing !== null) && (
        <div data-testid={editing !== null ? 'edit-chip' : 'reply-chip'} className="mb-2 flex items-center gap-2 rounded-lg border-l-4 border-indigo-500 bg-zinc-100 px-3 py-1.5 text-sm dark:bg-zinc-800">
          <span className="min-w-0 flex-1">
            <span className="block text-xs font-semibold text-indigo-700 dark:text-indigo-300">{editing !== null ? 'Editing message' : `Replying to ${replyTo?.senderName ?? ''}`}</span>
            <span className="block truncate">{(editing ?? replyTo)?.text || '📎 Attachment'}</span>
          </span>
          <button
            type="button"
            className={iconButton}
            aria-label={editing !== null ? 'Cancel editing' : 'Cancel reply'}
            onClick={() => {
              if (editing !== null) {
                setText('');
                onCancelEdit();
              } else {
                onCancelReply();
              }
            }}
          >
            <Icon name="close" className="size-4" />
          </button>
        </div>
      )}
      {uploads.length > 0 && (
        <ul className="mb-2 flex flex-col gap-1" aria-label="Files to send">
          {uploads.map((u) => (
            <li key={u.key} data-testid="upload-progress" data-state={u.state} className="flex items-center gap-2 rounded-md bg-zinc-100 px-2 py-1 text-sm dark:bg-zinc-800">
              <span className="min-w-0 flex-1 truncate">{u.file.name}</span>
              <span className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400">{formatBytes(u.file.size)}</span>
              {u.state === 'uploading' && (
                <progress className="h-2 w-20 shrink-0" max={100} value={Math.round(u.fraction * 100)} aria-label={`Uploading ${u.file.name}`}>
                  {Math.round(u.fraction * 100)}%
                </progress>
              )}
              {u.state === 'done' && <span className="shrink-0 text-xs text-emerald-700 dark:text-emerald-400">Ready</span>}
              {u.state === 'failed' && <span className="shrink-0 text-xs text-red-700 dark:text-red-400">{u.error}</span>}
              <button
                type="button"
                className={iconButton}
                aria-label={u.state === 'uploading' ? `Cancel upload of ${u.file.name}` : `Remove ${u.file.name}`}
                onClick={() => {
                  if (u.state === 'uploading') {
                    u.abort?.();
                  }
                  setUploads((list) => list.filter((x) => x.key !== u.key));
                }}
              >
                <Icon name="close" className="size-4" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="flex items-end gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className={`${iconButton} ${editing !== null ? 'pointer-events-none opacity-40' : ''}`} title="Attach files">
          <span className="sr-only">Attach files</span>
          <Icon name="attach" />
          <input
            ref={fileInput}
            data-testid="attach-input"
            type="file"
            multiple
            className="sr-only"
            disabled={editing !== null}
            onChange={(e) => {
              addFiles([...(e.target.files ?? [])]);
              e.target.value = '';
            }}
          />
        </label>
        <textarea
          ref={textarea}
          data-testid="composer-input"
          aria-label={editing !== null ? 'Edit message' : 'Message'}
          placeholder="Message"
          rows={rows}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim() !== '' && editing === null) {
              client.typing(conversationId);
            }
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            } else if (e.key === 'Escape' && (editing !== null || replyTo !== null)) {
              if (editing !== null) {
                setText('');
                onCancelEdit();
              } else {
                onCancelReply();
              }
            }
          }}
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            if (files.length > 0) {
              e.preventDefault();
              addFiles(files);
            }
          }}
          className="max-h-40 min-h-10 flex-1 resize-none rounded-2xl border border-zinc-300 bg-white px-3 py-2 text-base text-zinc-900 placeholder:text-zinc-500 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400 dark:focus-visible:outline-indigo-400"
        />
        <button
          type="submit"
          data-testid="send-button"
          disabled={!canSend}
          aria-label={editing !== null ? 'Save' : 'Send'}
          title={editing !== null ? 'Save' : 'Send'}
          className="inline-flex size-10 shrink-0 cursor-pointer items-center justify-center rounded-full bg-indigo-700 text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-50 dark:bg-indigo-600 dark:hover:bg-indigo-700"
        >
          <Icon name="send" />
        </button>
      </form>
      {tooLong && (
        <p className="mt-1 text-xs text-red-700 dark:text-red-400" role="alert">
          {trimmed.length - MAX_TEXT} characters over the limit of {MAX_TEXT}.
        </p>
      )}
    </div>
  );
}
