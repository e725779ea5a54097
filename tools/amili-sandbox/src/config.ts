/**
 * Where the sandbox keeps its data and its API key. `apps/api` reads the key from the same file
 * (`<DATA_DIR>/amili-sandbox/api-key`), so a sandbox and an API started with the same DATA_DIR
 * agree on it without configuration.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

/** `SANDBOX_DATA_DIR`, else `<DATA_DIR or ./.data>/amili-sandbox`, resolved against `cwd`. */
export function defaultSandboxDataDir(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.SANDBOX_DATA_DIR) return resolve(cwd, env.SANDBOX_DATA_DIR);
  return resolve(cwd, env.DATA_DIR || '.data', 'amili-sandbox');
}

export function sandboxApiKeyFile(dataDir: string): string {
  return join(dataDir, 'api-key');
}

/**
 * The API key: the given one (written to the key file too, so the file always names the key in use),
 * else the one in the key file, else a new one created there (mode 0600). Creation uses `wx`, so when
 * the API creates the file at the same moment, both end up with the same key.
 */
export async function resolveApiKey(dataDir: string, given?: string): Promise<string> {
  const file = sandboxApiKeyFile(dataDir);
  await mkdir(dataDir, { recursive: true });
  if (given) {
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current?.trim() !== given) {
      await writeFile(file, given + '\n', { mode: 0o600 });
      await chmod(file, 0o600);
    }
    return given;
  }
  try {
    await writeFile(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = (await readFile(file, 'utf8')).trim();
  if (key === '') throw new Error(`${file} is empty; delete it to have a new key generated.`);
  return key;
}
