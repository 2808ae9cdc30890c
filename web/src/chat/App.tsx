// The messenger's shell: the conversation list and the open conversation, as two screens with a back button on narrow
// viewports and side by side from the md breakpoint; the reconnect banner, notices and the new-chat dialogs.

import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ConversationList } from './ConversationList.tsx';
import { ConversationView } from './ConversationView.tsx';
import { useChat, useClient } from './context.ts';
import { NewDirectDialog, NewGroupDialog } from './Dialogs.tsx';
import { Icon, iconButton } from './ui.tsx';

/** The open conversation lives in the URL hash (#c=ID), so the browser's back button returns to the list. */
function hashConversation(): string | null {
  const match = /^#c=([\w-]+)$/.exec(window.location.hash);
  return match?.[1] ?? null;
}

export function App() {
  const client = useClient();
  const selectedId = useChat((s) => s.selectedId);
  const conversation = useChat((s) => (s.selectedId === null ? undefined : s.conversations[s.selectedId]));
  const listLoaded = useChat((s) => s.listLoaded);
  const connection = useChat((s) => s.connection);
  const notice = useChat((s) => s.notice);
  const [dialog, setDialog] = useState<'direct' | 'group' | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);

  // Fill the viewport below whatever the page puts above the app (the site header).
  useLayoutEffect(() => {
    const measure = () => setTop(Math.max(0, (root.current?.getBoundingClientRect().top ?? 0) + window.scrollY));
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, []);

  // URL hash ⇄ open conversation.
  useEffect(() => {
    const follow = () => {
      const id = hashConversation();
      if (id !== client.state.selectedId) {
        client.select(id);
      }
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [client]);
  useEffect(() => {
    const wanted = selectedId === null ? '' : `#c=${selectedId}`;
    if (window.location.hash !== wanted && !(wanted === '' && window.location.hash === '')) {
      if (wanted === '') {
        history.pushState(null, '', window.location.pathname + window.location.search);
      } else {
        window.location.hash = wanted;
      }
    }
  }, [selectedId]);

  // A conversation that is gone (left, removed) closes.
  useEffect(() => {
    if (listLoaded && selectedId !== null && conversation === undefined) {
      client.refreshConversation(selectedId).catch(() => client.select(null));
    }
  }, [client, listLoaded, selectedId, conversation]);

  useEffect(() => {
    if (notice === null) {
      return;
    }
    const timer = setTimeout(() => client.notify(null), 6000);
    return () => clearTimeout(timer);
  }, [client, notice]);

  const open = (id: string) => {
    setDialog(null);
    client.select(id);
  };

  return (
    <div ref={root} className="relative flex flex-col overflow-hidden bg-white text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100" style={{ height: `calc(100dvh - ${top}px)`, minHeight: '20rem' }}>
      {connection === 'reconnecting' && (
        <div data-testid="reconnect-banner" role="status" className="bg-amber-100 px-3 py-1.5 text-center text-sm font-semibold text-amber-900 dark:bg-amber-900 dark:text-amber-100">
          Reconnecting…
        </div>
      )}
      {notice !== null && (
        <div role="alert" className="absolute top-2 left-1/2 z-40 flex max-w-[90%] -translate-x-1/2 items-center gap-2 rounded-lg bg-zinc-900 py-1 pr-1 pl-3 text-sm text-white shadow-lg dark:bg-zinc-100 dark:text-zinc-900">
          <span>{notice}</span>
          <button type="button" className={`${iconButton} text-inherit`} aria-label="Dismiss" onClick={() => client.notify(null)}>
            <Icon name="close" className="size-4" />
          </button>
        </div>
      )}
      <div className="flex min-h-0 flex-1">
        <div className={`min-h-0 w-full border-zinc-200 md:block md:w-80 md:shrink-0 md:border-r lg:w-96 dark:border-zinc-800 ${selectedId !== null ? 'hidden' : 'block'}`}>
          <ConversationList onNewDirect={() => setDialog('direct')} onNewGroup={() => setDialog('group')} />
        </div>
        <main className={`min-h-0 min-w-0 flex-1 ${selectedId === null ? 'hidden md:flex' : 'flex'} flex-col`}>
          {conversation !== undefined ? (
            <ConversationView key={conversation.id} conversation={conversation} onBack={() => client.select(null)} />
          ) : (
            <div className="flex flex-1 items-center justify-center p-6 text-center text-zinc-600 dark:text-zinc-400">
              {selectedId !== null ? 'Loading…' : 'Pick a conversation, or start a new one.'}
            </div>
          )}
        </main>
      </div>
      {dialog === 'direct' && <NewDirectDialog onClose={() => setDialog(null)} onOpened={open} />}
      {dialog === 'group' && <NewGroupDialog onClose={() => setDialog(null)} onOpened={open} />}
    </div>
  );
}
