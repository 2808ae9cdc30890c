// The chat client reaches the components through a React context; they read its store with a selector.

import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ChatClient, ChatState } from './client.ts';

export const ChatContext = createContext<ChatClient | null>(null);

export function useClient(): ChatClient {
  const client = useContext(ChatContext);
  if (client === null) {
    throw new Error('The chat components need a ChatContext provider.');
  }
  return client;
}

/** A slice of the chat state; the component renders again when it changes (compared with Object.is). */
export function useChat<T>(selector: (state: ChatState) => T): T {
  return useStore(useClient().store, selector);
}
