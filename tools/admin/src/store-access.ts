/**
 * How an operator's command reaches the data: the PostgreSQL server (DATABASE_URL) is opened directly,
 * also while the API runs; the embedded store (DATA_DIR/pglite) is opened directly when no process holds
 * it, and otherwise reached through that process — the running API — over its admin endpoints, because
 * the embedded store can only ever be open in one process.
 */
import { type AppConfig, type Storage, loadConfig, openStorage, signToken } from '@pm/api';
import { EmbeddedStoreInUseError } from '@pm/event-store';

export type StoreAccess =
  | { kind: 'direct'; config: AppConfig; storage: Storage; close(): Promise<void> }
  | { kind: 'api'; config: AppConfig; apiUrl: string; token: string };

export async function openStoreAccess(env: NodeJS.ProcessEnv, apiUrl: string): Promise<StoreAccess> {
  const config = loadConfig(env);
  try {
    const storage = await openStorage(config);
    return {
      kind: 'direct',
      config,
      storage,
      async close() {
        await storage.store.close();
        await storage.sql.close();
      },
    };
  } catch (error) {
    if (!(error instanceof EmbeddedStoreInUseError)) throw error;
    return { kind: 'api', config, apiUrl, token: signToken(config.jwtSecret, { sub: 'admin-cli', role: 'admin' }, '12h') };
  }
}

/** A request to the running API's admin endpoints, as the operator. */
export async function callApi(access: Extract<StoreAccess, { kind: 'api' }>, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(new URL(path, access.apiUrl), {
    method,
    headers: { authorization: `Bearer ${access.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
