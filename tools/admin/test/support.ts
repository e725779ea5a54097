/** What the admin tool's tests share: running the built CLI as a real process, and opening the store beside it. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Storage, openStorage } from '@pm/api';

const run = promisify(execFile);
export const bin = join(__dirname, '..', 'bin', 'admin.js');

export interface AdminResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `pnpm admin …args` with the given environment; never throws on a non-zero exit code. */
export async function admin(args: string[], env: Record<string, string>): Promise<AdminResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Opens the embedded store in `dataDir` for the length of `work` (no other process may hold it meanwhile). */
export async function withStorage<T>(dataDir: string, work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage({ dataDir });
  try {
    return await work(storage);
  } finally {
    await storage.store.close();
    await storage.sql.close();
  }
}
