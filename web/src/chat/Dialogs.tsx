// Dialogs: a new direct chat, a new group, and a group's settings (rename, members, roles, leave).

import { useEffect, useState } from 'react';
import { useChat, useClient } from './context.ts';
import type { ConversationDto, UserSearchResult } from './types.ts';
import { Dialog, PresenceDot, inputClass, primaryButton, secondaryButton } from './ui.tsx';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A search box for people (GET /api/v1/users/search), leaving out me and `exclude`. */
function UserSearch({ onPick, exclude = [], label }: { onPick: (user: UserSearchResult) => void; exclude?: readonly string[]; label: string }) {
  const client = useClient();
  const me = useChat((s) => s.me.id);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<UserSearchResult[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const q = query.trim();
    if (q === '') {
      setResults([]);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      client.api
        .searchUsers(q.slice(0, 100))
        .then((found) => {
          if (!cancelled) {
            setResults(found);
            setError(null);
          }
        })
        .catch((e: unknown) => !cancelled && setError(message(e)));
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, query]);
  const shown = results.filter((u) => u.id !== me && !exclude.includes(u.id));
  return (
    <div className="flex flex-col gap-2">
      <label className="flex flex-col gap-1 text-sm font-medium">
        {label}
        <input
          data-testid="user-search-input"
          type="search"
          className={inputClass}
          placeholder="Name or email"
          autoComplete="off"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      {error !== null && <p className="text-sm text-red-700 dark:text-red-400">{error}</p>}
      <ul className="flex max-h-60 flex-col gap-1 overflow-y-auto" aria-label="People found">
        {shown.map((user) => (
          <li key={user.id}>
            <button
              type="button"
              data-testid="user-search-result"
              data-user-id={user.id}
              className="flex w-full cursor-pointer items-center gap-2 rounded-md px-2 py-2 text-left hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-800"
              onClick={() => onPick(user)}
            >
              {user.presence && <PresenceDot status={user.presence.status} />}
              <span>{user.displayName}</span>
            </button>
          </li>
        ))}
        {query.trim() !== '' && shown.length === 0 && error === null && <li className="px-2 text-sm text-zinc-600 dark:text-zinc-400">Nobody found yet.</li>}
      </ul>
    </div>
  );
}

export function NewDirectDialog({ onClose, onOpened }: { onClose: () => void; onOpened: (id: string) => void }) {
  const client = useClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title="New direct chat" onClose={onClose}>
      <UserSearch
        label="Who do you want to write to?"
        onPick={(user) => {
          if (busy) {
            return;
          }
          setBusy(true);
          client
            .createDirect(user.id)
            .then(onOpened)
            .catch((e: unknown) => setError(message(e)))
            .finally(() => setBusy(false));
        }}
      />
      {error !== null && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
    </Dialog>
  );
}

export function NewGroupDialog({ onClose, onOpened }: { onClose: () => void; onOpened: (id: string) => void }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [members, setMembers] = useState<UserSearchResult[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = () => {
    setBusy(true);
    client
      .createGroup(
        name.trim(),
        members.map((m) => m.id),
      )
      .then(onOpened)
      .catch((e: unknown) => setError(message(e)))
      .finally(() => setBusy(false));
  };
  return (
    <Dialog title="New group" onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim() !== '' && !busy) {
            create();
          }
        }}
      >
        <label className="flex flex-col gap-1 text-sm font-medium">
          Group name
          <input data-testid="group-name-input" className={inputClass} maxLength={100} required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {members.length > 0 && (
          <ul className="flex flex-wrap gap-2" aria-label="Members to add">
            {members.map((m) => (
              <li key={m.id} className="inline-flex items-center gap-1 rounded-full bg-indigo-100 py-1 pr-1 pl-3 text-sm text-indigo-900 dark:bg-indigo-900 dark:text-indigo-100">
                {m.displayName}
                <button
                  type="button"
                  className="cursor-pointer rounded-full px-1.5 hover:bg-indigo-200 dark:hover:bg-indigo-800"
                  aria-label={`Remove ${m.displayName}`}
                  onClick={() => setMembers((list) => list.filter((x) => x.id !== m.id))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <UserSearch label="Add people" exclude={members.map((m) => m.id)} onPick={(user) => setMembers((list) => [...list, user])} />
        {error !== null && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
        <button type="submit" data-testid="create-group-button" className={primaryButton} disabled={busy || name.trim() === ''}>
          Create group
        </button>
      </form>
    </Dialog>
  );
}

export function GroupSettingsDialog({ conversation, onClose }: { conversation: ConversationDto; onClose: () => void }) {
  const client = useClient();
  const me = useChat((s) => s.me.id);
  const [name, setName] = useState(conversation.name ?? conversation.title);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const manager = conversation.myRole === 'owner' || conversation.myRole === 'admin';
  const run = (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    action()
      .catch((e: unknown) => setError(message(e)))
      .finally(() => setBusy(false));
  };
  return (
    <Dialog title="Group settings" onClose={onClose}>
      {manager ? (
        <form
          className="flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => client.rename(conversation.id, name.trim()));
          }}
        >
          <label className="sr-only" htmlFor="chat-group-rename">
            Group name
          </label>
          <input id="chat-group-rename" className={inputClass} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className={secondaryButton} disabled={busy || name.trim() === '' || name.trim() === conversation.name}>
            Rename
          </button>
        </form>
      ) : (
        <p className="font-semibold">{conversation.title}</p>
      )}
      <section aria-label="Members" className="flex flex-col gap-1">
        <h3 className="text-sm font-semibold">{conversation.members.length} members</h3>
        <ul className="flex flex-col gap-1">
          {conversation.members.map((m) => (
            <li key={m.userId} className="flex items-center gap-2 py-1">
              <PresenceDot status={m.presence.status} />
              <span className="min-w-0 flex-1 truncate">
                {m.displayName}
                {m.userId === me && ' (you)'}
              </span>
              {m.role !== 'member' && <span className="text-xs text-zinc-600 dark:text-zinc-400">{m.role}</span>}
              {manager && m.userId !== me && m.role !== 'owner' && (
                <>
                  <button
                    type="button"
                    className="cursor-pointer text-xs font-semibold text-indigo-700 underline dark:text-indigo-300"
                    disabled={busy}
                    aria-label={m.role === 'admin' ? `Make ${m.displayName} a member` : `Make ${m.displayName} an admin`}
                    onClick={() => run(() => client.setRole(conversation.id, m.userId, m.role === 'admin' ? 'member' : 'admin'))}
                  >
                    {m.role === 'admin' ? 'Make member' : 'Make admin'}
                  </button>
                  <button
                    type="button"
                    className="cursor-pointer text-xs font-semibold text-red-700 underline dark:text-red-400"
                    disabled={busy}
                    aria-label={`Remove ${m.displayName}`}
                    onClick={() => run(() => client.removeMember(conversation.id, m.userId))}
                  >
                    Remove
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      </section>
      {manager && (
        <UserSearch label="Add a member" exclude={conversation.members.map((m) => m.userId)} onPick={(user) => run(() => client.addMember(conversation.id, user.id))} />
      )}
      {error !== null && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
      <button
        type="button"
        className={`${secondaryButton} text-red-700 dark:text-red-400`}
        disabled={busy}
        onClick={() =>
          run(async () => {
            await client.removeMember(conversation.id, me);
            onClose();
          })
        }
      >
        Leave group
      </button>
    </Dialog>
  );
}
