import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { companyIdFor, createApp, verifyToken, type AppConfig } from '@pm/api';
import { PostgresEventStore, createPGliteClient, ensureSchema } from '@pm/event-store';

const run = promisify(execFile);
const bin = join(__dirname, '..', 'bin', 'admin.js');

async function admin(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pnpm admin', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-admin-'));
  const env = { DATA_DIR: dataDir, JWT_SECRET: '' };

  it('token prints only a token, signed with the secret the API uses from the data directory', async () => {
    const result = await admin(['token', '--company', '556036-0793', '--role', 'user'], env);
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    expect(result.stdout).toBe(`${token}\n`);
    const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    expect(verifyToken(secret, token)).toMatchObject({ role: 'user', company: companyIdFor('556036-0793') });
    const adminToken = (await admin(['token', '--role', 'admin'], env)).stdout.trim();
    expect(verifyToken(secret, adminToken)).toMatchObject({ role: 'admin', company: undefined });
  });

  it('refuses a user token without a company, and unknown roles, with exit code 2', async () => {
    const noCompany = await admin(['token', '--role', 'user'], env);
    expect(noCompany.code).toBe(2);
    expect(noCompany.stderr).toContain('--company is required');
    expect((await admin(['token', '--role', 'root'], env)).code).toBe(2);
    expect((await admin(['frobnicate'], env)).code).toBe(2);
  });

  it('has --help on every command', async () => {
    for (const args of [['--help'], ['token', '--help'], ['companies', 'create', '--help']]) {
      const result = await admin(args, env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: admin');
    }
  });

  it('companies create registers a company through the running API, and reports refusals with exit code 1', async () => {
    const sql = await createPGliteClient();
    await ensureSchema(sql);
    const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    const config: AppConfig = { port: 0, host: '127.0.0.1', dataDir, jwtSecret: secret, seedDemo: false, termsVersion: '2026-1', bodyLimit: 65536, uploadLimit: 1_048_576, referenceRates: [] };
    const app = await createApp(config, { storage: { sql, store: new PostgresEventStore(sql) }, logger: ['error'] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    try {
      const args = ['companies', 'create', '--org', '556036-0793', '--name', 'Bygg AB', '--address', 'Storgatan 1', '--postal-code', '111 22', '--city', 'Stockholm', '--api-url', apiUrl];
      const created = await admin(args, env);
      expect(created).toMatchObject({ code: 0, stdout: `${companyIdFor('556036-0793')}\n` });
      const again = await admin(args, env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('COMPANY.ALREADY_REGISTERED');
      const unreachable = await admin([...args.slice(0, -1), 'http://127.0.0.1:9'], env);
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toContain('cannot reach the API');
    } finally {
      await app.close();
    }
  });
});
