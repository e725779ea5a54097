/**
 * Assembles one sandbox: the state store on disk, the HTTP server, the lifecycle timer and the
 * push notifications. `createSandbox` is for in-process use (tests); `main.ts` runs it as a process.
 */
import { type FastifyInstance } from 'fastify';
import { resolveApiKey } from './config';
import { applyDue } from './domain/lifecycle';
import { buildServer } from './server';
import { etagOf, StateStore } from './state/store';
import { type WebhookConfig } from './state/types';
import { WebhookDispatcher } from './webhooks';

export interface SandboxOptions {
  dataDir: string;
  /** Else the key file in `dataDir`, generated on first use. */
  apiKey?: string;
  /** Replaces the push target kept in the state (else the one set by `POST /_sandbox/webhook`, if any). */
  webhook?: WebhookConfig;
  /** How often due lifecycle steps are applied without a request (default 1000 ms). */
  tickMs?: number;
  /** Fastify's request log (default off). */
  log?: boolean;
}

export interface Sandbox {
  app: FastifyInstance;
  apiKey: string;
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:4010`). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
  clock: { now(): Date };
}

export const DEFAULT_TICK_MS = 1_000;

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  if (!Number.isFinite(tickMs) || tickMs <= 0) throw new RangeError(`tickMs must be a positive number, got ${tickMs}`);
  const apiKey = await resolveApiKey(options.dataDir, options.apiKey);
  const store = await StateStore.open(options.dataDir);
  if (options.webhook) {
    const webhook = options.webhook;
    await store.transaction((tx) => {
      tx.state.webhook = { url: webhook.url, secret: webhook.secret };
    });
  }

  const app = buildServer({ store, apiKey, log: options.log ?? false });
  const dispatcher = new WebhookDispatcher(
    () => store.state.webhook,
    () => store.state.faults,
    app.log,
  );
  // Only after the change is on disk: a receiver that fetches the case must find it.
  store.onCommit((tx) => {
    for (const id of tx.changedCases) {
      const record = tx.state.cases[id];
      if (record) dispatcher.notify({ id, updated: record.updated, etag: etagOf(record) });
    }
  });

  const timer = setInterval(() => {
    store
      .transaction((tx) => {
        if (!applyDue(tx)) tx.unchanged();
      })
      .catch((error: unknown) => app.log.error(error, 'Applying due lifecycle steps failed'));
  }, tickMs);
  timer.unref();

  let closed: Promise<void> | undefined;
  return {
    app,
    apiKey,
    async listen(port, host) {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('The sandbox is not listening on a TCP port');
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shownHost}:${address.port}`;
    },
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        await app.close();
        await store.close();
        dispatcher.close();
      })();
      return closed;
    },
    clock: { now: () => new Date(store.now()) },
  };
}
