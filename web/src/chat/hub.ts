// The SignalR connection to /hubs/chat: bearer token through accessTokenFactory, automatic reconnects forever with a
// capped backoff (and the same for the first start), and the server's events wired to the client.

import { HttpTransportType, HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from '@microsoft/signalr';
import { startWithRetry, type ChatClient } from './client.ts';
import { retryDelay } from './state.ts';

export function connectHub(client: ChatClient, url = '/hubs/chat'): { connection: HubConnection; stop(): Promise<void> } {
  let stopped = false;
  const connection = new HubConnectionBuilder()
    // Straight to a WebSocket, without the negotiate round trip: behind a proxy with several instances, negotiate and
    // connect could land on different instances. Clients without WebSockets use the REST API (docs/chat.md).
    .withUrl(url, {
      accessTokenFactory: () => client.api.tokens.get(),
      skipNegotiation: true,
      transport: HttpTransportType.WebSockets,
    })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context.previousRetryCount) })
    .configureLogging(LogLevel.Warning)
    .build();

  connection.on('MessageCreated', client.onMessageCreated);
  connection.on('MessageUpdated', client.onMessageUpdated);
  connection.on('MessageDeleted', client.onMessageUpdated);
  connection.on('ReactionsChanged', client.onReactionsChanged);
  connection.on('Typing', client.onTyping);
  connection.on('ReadUpTo', client.onReadUpTo);
  connection.on('PresenceChanged', client.onPresenceChanged);
  connection.on('ConversationChanged', client.onConversationChanged);

  const connected = (afterOutage: boolean) => {
    client.setConnection('connected');
    if (!client.state.visible) {
      connection.invoke('SetAway', true).catch(() => {});
    }
    if (afterOutage) {
      client.resync().catch((error: unknown) => client.notify(error instanceof Error ? error.message : String(error)));
    }
  };

  const start = () =>
    startWithRetry(
      () => connection.start(),
      () => client.setConnection('reconnecting'),
      () => stopped,
    ).then(() => {
      if (!stopped && connection.state === HubConnectionState.Connected) {
        // Also on the first connection: whatever happened while the page loaded its list and the socket opened (a
        // group I was added to, a message) had no one to hear it, so read the list again.
        connected(true);
      }
    });

  connection.onreconnecting(() => client.setConnection('reconnecting'));
  connection.onreconnected(() => connected(true));
  // The reconnect policy never gives up, but a close can still happen (e.g. the server refused the token): start over.
  connection.onclose(() => {
    if (!stopped) {
      client.setConnection('reconnecting');
      setTimeout(() => void start(), retryDelay(1));
    }
  });

  client.hub = connection;
  void start();
  return {
    connection,
    stop: async () => {
      stopped = true;
      await connection.stop();
    },
  };
}
