// Entry of /app/chat.js: mounts the messenger on #chat-root, which the server's /chat page renders as
//   <div id="chat-root" data-user-id="GUID" data-user-name="Display Name"
//        data-token-url="/chat?handler=Token" data-antiforgery="TOKEN"></div>

import './chat.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ChatApi, TokenSource } from './api.ts';
import { App } from './App.tsx';
import { ChatClient } from './client.ts';
import { ChatContext } from './context.ts';
import { connectHub } from './hub.ts';

function mount(element: HTMLElement): void {
  const { userId = '', userName = '', tokenUrl = '/chat?handler=Token', antiforgery = '' } = element.dataset;
  const tokens = new TokenSource(tokenUrl, antiforgery);
  const client = new ChatClient(new ChatApi(tokens), { id: userId, name: userName });

  client.loadConversations().catch((error: unknown) => client.notify(error instanceof Error ? error.message : String(error)));
  connectHub(client);

  document.addEventListener('visibilitychange', () => client.setVisible(document.visibilityState === 'visible'));

  createRoot(element).render(
    <StrictMode>
      <ChatContext value={client}>
        <App />
      </ChatContext>
    </StrictMode>,
  );
}

const root = document.getElementById('chat-root');
if (root !== null) {
  mount(root);
}
