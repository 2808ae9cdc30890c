// "Run on server": connects to /hubs/studio first (so no event of the run is missed), then POSTs /run and feeds the
// run's logs to the console until RunEnded. Events of other runs (another tab) are ignored by runId.

import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import type { StudioApi } from './api.ts';
import type { LogEntry } from './types.ts';

export interface ServerRun {
  runId: string;
  stop(): Promise<void>;
}

export async function startServerRun(
  api: StudioApi,
  patchId: string,
  seconds: number,
  onLog: (entry: LogEntry) => void,
  onEnded: (reason: string) => void,
  hubUrl = '/hubs/studio',
): Promise<ServerRun> {
  const tokens = api.tokens;
  const connection: HubConnection = new HubConnectionBuilder()
    .withUrl(hubUrl, {
      ...(tokens ? { accessTokenFactory: () => tokens.get() } : {}),
      skipNegotiation: true,
      transport: HttpTransportType.WebSockets,
    })
    .configureLogging(LogLevel.Warning)
    .build();
  let runId: string | null = null;
  const early: [string, unknown, unknown][] = [];
  const handle = (name: string, id: string, payload: unknown) => {
    if (runId === null) {
      early.push([name, id, payload]);
      return;
    }
    if (id !== runId) return;
    if (name === 'RunLog') {
      const entry = payload as Partial<LogEntry> & { time?: string | number };
      onLog({ time: typeof entry.time === 'string' ? Date.parse(entry.time) : (entry.time ?? Date.now()), level: entry.level ?? 'info', ...(entry.node ? { node: entry.node } : {}), message: entry.message ?? '' });
    } else if (name === 'RunEnded') {
      onEnded(String(payload));
      void connection.stop();
    }
  };
  connection.on('RunLog', (id: string, entry: unknown) => handle('RunLog', id, entry));
  connection.on('RunEnded', (id: string, reason: unknown) => handle('RunEnded', id, reason));
  connection.on('RunValues', () => {});
  await connection.start();
  try {
    ({ runId } = await api.run(patchId, seconds));
  } catch (error) {
    await connection.stop();
    throw error;
  }
  for (const [name, id, payload] of early.splice(0)) {
    handle(name, id as string, payload);
  }
  const id = runId;
  return {
    runId: id,
    stop: async () => {
      await api.stopRun(id);
    },
  };
}
