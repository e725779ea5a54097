import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { companyIdFor, createApp, verifyToken, type AppConfig } from '@pm/api';
import { testFiles } from '@pm/bank-files';
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

  it('login-url prints a URL that carries a user token in its fragment', async () => {
    const result = await admin(['login-url', '--company', '556036-0793', '--base-url', 'http://127.0.0.1:3000/', '--name', 'Anna'], env);
    expect(result.code).toBe(0);
    const url = new URL(result.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:3000/');
    const token = decodeURIComponent(url.hash.replace(/^#token=/, ''));
    const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    expect(verifyToken(secret, token)).toMatchObject({ role: 'user', company: companyIdFor('556036-0793'), name: 'Anna', sub: 'web-user' });
    expect((await admin(['login-url'], env)).code).toBe(2);
  });

  it('refuses a user token without a company, and unknown roles, with exit code 2', async () => {
    const noCompany = await admin(['token', '--role', 'user'], env);
    expect(noCompany.code).toBe(2);
    expect(noCompany.stderr).toContain('--company is required');
    expect((await admin(['token', '--role', 'root'], env)).code).toBe(2);
    expect((await admin(['frobnicate'], env)).code).toBe(2);
  });

  it('has --help on every command', async () => {
    for (const args of [['--help'], ['token', '--help'], ['login-url', '--help'], ['companies', 'create', '--help'], ['payments', 'import', '--help'], ['projections', 'status', '--help'], ['projections', 'rebuild', '--help']]) {
      const result = await admin(args, env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: admin');
    }
  });

  // Each invocation starts a Node process that loads the API's modules: generous time on a busy machine.
  it('companies create and payments import work through the running API, and report refusals with exit code 1', async () => {
    const sql = await createPGliteClient();
    await ensureSchema(sql);
    const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    const config: AppConfig = { port: 0, host: '127.0.0.1', dataDir, jwtSecret: secret, seedDemo: false, termsVersion: '2026-1', bodyLimit: 65536, uploadLimit: 1_048_576, referenceRates: [] };
    const app = await createApp(config, { storage: { sql, store: new PostgresEventStore(sql) }, logger: ['error'] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    try {
      const args = ['companies', 'create', '--org', '556036-0793', '--name', 'Bygg AB', '--address', 'Storgatan 1', '--postal-code', '111 22', '--city', 'Stockholm', '--bankgiro', '5677-5612', '--api-url', apiUrl];
      const created = await admin(args, env);
      expect(created).toMatchObject({ code: 0, stdout: `${companyIdFor('556036-0793')}\n` });
      const again = await admin(args, env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('COMPANY.ALREADY_REGISTERED');
      const unreachable = await admin([...args.slice(0, -1), 'http://127.0.0.1:9'], env);
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toContain('cannot reach the API');

      // payments import: the file names its bankgiro, so the operator need not name the company.
      const good = join(dataDir, 'camt054-ok.xml');
      writeFileSync(good, testFiles.camt054('5677-5612', [{ reference: 'CLI-1', amount: '100.00', text: 'okänd' }]));
      const imported = await admin(['payments', 'import', good, '--api-url', apiUrl], env);
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ format: 'camt.054', payments: 1, unmatched: 1, duplicates: 0 });
      const reimported = await admin(['payments', 'import', good, '--company', '556036-0793', '--api-url', apiUrl], env);
      expect(JSON.parse(reimported.stdout)).toMatchObject({ payments: 1, duplicates: 1 });
      const broken = join(dataDir, 'broken.xml');
      writeFileSync(broken, testFiles.camt054('5677-5612', [{ reference: 'CLI-2', amount: '1x0.00' }]));
      const refused = await admin(['payments', 'import', broken, '--api-url', apiUrl], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('PAYMENT_FILE.INVALID');
      expect(refused.stderr).toMatch(/line \d+ \/Document\/BkToCstmrDbtCdtNtfctn\/Ntfctn\[1\]\/Ntry\[1\]\/Amt: /);
      expect((await admin(['payments', 'import', join(dataDir, 'missing.xml'), '--api-url', apiUrl], env)).code).toBe(2);
    } finally {
      await app.close();
    }
  }, 180_000);
});
