/**
 * `pnpm admin projections status|rebuild` on the embedded store: through the running API while it holds
 * the store, directly when nothing does; refusals, a busy store and Ctrl-C have their own exit codes, and
 * an interrupted rebuild resumes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Storage, companyIdFor, createApp, loadConfig, projectionsFor, signToken } from '@pm/api';
import { admin, bin, withStorage } from './support';

/** Every row of every rebuildable read-model table, as comparable text. */
async function snapshot(storage: Storage): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const projection of projectionsFor({}))
    for (const table of projection.tables) {
      const { rows } = await storage.sql.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
      out[table] = rows.map((r) => r.row).sort();
    }
  return out;
}

const INVOICES = 120;

describe('pnpm admin projections', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-admin-projections-'));
  const env = { DATA_DIR: dataDir, JWT_SECRET: '', PORT: '9' };

  it('works through the running API while it holds the embedded store', async () => {
    const config = { ...loadConfig({ DATA_DIR: dataDir, JWT_SECRET: '', SEED_DEMO: '0' }), port: 0 };
    const app = await createApp(config, { logger: ['error'] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const headers = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      const response = await fetch(new URL(path, apiUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    };
    try {
      const adminToken = signToken(config.jwtSecret, { sub: 'test', role: 'admin' }, '5m');
      const address = { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' };
      await call('POST', '/api/companies', adminToken, { organisationNumber: '556036-0793', name: 'Bygg AB', country: 'SE', address });
      const token = signToken(config.jwtSecret, { sub: 'test', role: 'user', company: companyIdFor('556036-0793') }, '5m');
      await call('POST', '/api/activation', token, { termsVersion: config.termsVersion, accepted: true });
      for (let i = 0; i < INVOICES; i++)
        await call('PUT', `/api/invoices/P${i}`, token, {
          invoiceDate: '2026-10-01',
          dueDate: '2026-10-31',
          currency: 'SEK',
          totalOre: 10_000 + i,
          vatOre: 2_000,
          customer: { name: 'Kalle Svensson', identityNumber: '19811218-9876', isCompany: false, address },
        });
      await call('POST', '/api/invoices/P1/reminder-case', token);

      const status = await admin(['projections', 'status', '--json', '--api-url', apiUrl], env);
      expect(status.code).toBe(0);
      const parsed = JSON.parse(status.stdout) as { projections: { projection: string; rebuildable: boolean; checkpoint: string | null }[] };
      expect(parsed.projections.map((p) => p.projection)).toEqual(expect.arrayContaining(['invoice-list', 'case-detail', 'audit-trail', 'journal']));
      // The partner outbox owns no read model (replaying it would call the partner again).
      expect(parsed.projections.filter((p) => !p.rebuildable).map((p) => p.projection)).toEqual(config.partner ? ['partner-outbox'] : []);

      const rebuilt = await admin(['projections', 'rebuild', 'invoice-list', 'case-detail', '--no-progress', '--api-url', apiUrl], env);
      expect(rebuilt.stderr).toBe('');
      expect(rebuilt.code).toBe(0);
      expect(rebuilt.stdout).toMatch(/^Rebuilt invoice-list, case-detail: \d+ events, \d+ events\/s\.\n$/);
      const list = await fetch(new URL('/api/invoices?pageSize=1', apiUrl), { headers: { authorization: `Bearer ${token}` } });
      expect(((await list.json()) as { total: number }).total).toBe(INVOICES);

      const unknown = await admin(['projections', 'rebuild', 'no-such-model', '--api-url', apiUrl], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('no-such-model');
    } finally {
      await app.close();
    }
  }, 180_000);

  it('refuses a rebuild with neither names nor --all, or both, and a bad page size, with exit code 2', async () => {
    expect((await admin(['projections', 'rebuild'], env)).code).toBe(2);
    expect((await admin(['projections', 'rebuild', 'journal', '--all'], env)).code).toBe(2);
    const badSize = await admin(['projections', 'rebuild', '--all', '--batch-size', '0'], env);
    expect(badSize.code).toBe(2);
    expect(badSize.stderr).toContain('--batch-size');
  }, 60_000);

  it('rebuilds directly when no process holds the store, into tables identical to the old ones', async () => {
    const before = await withStorage(dataDir, snapshot);
    expect(before.rm_invoices).toHaveLength(INVOICES);
    const result = await admin(['projections', 'rebuild', '--all'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Rebuilt companies, invoice-list, case-detail, audit-trail');
    // Not a terminal: progress as log lines on stderr, one per phase at least.
    expect(result.stderr).toMatch(/replaying: [\d,]+ events/);
    expect(result.stderr).toMatch(/done: [\d,]+ events/);
    expect(await withStorage(dataDir, snapshot)).toEqual(before);

    const table = await admin(['projections', 'status'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^projection\s+checkpoint\s+lag events\s+lag s\s+updated\s+rebuild$/m);
    expect(table.stdout).toMatch(/^invoice-list\s+\S+\s+0\s+0\s+\S+\s+done \(\d+ events\)$/m);
  }, 120_000);

  it('exits with 3 while another rebuild runs', async () => {
    await withStorage(dataDir, (s) => s.sql.query(`UPDATE rm_rebuilds SET status = 'running', heartbeat_at = now() WHERE projection = 'journal'`));
    try {
      const busy = await admin(['projections', 'rebuild', 'journal', 'audit-trail'], env);
      expect(busy.code).toBe(3);
      expect(busy.stderr).toContain('journal');
    } finally {
      await withStorage(dataDir, (s) => s.sql.query(`UPDATE rm_rebuilds SET status = 'done' WHERE projection = 'journal'`));
    }
  }, 60_000);

  it('stops on Ctrl-C with exit code 130 and resumes where it stopped when run again', async () => {
    const before = await withStorage(dataDir, snapshot);
    const child: ChildProcess = spawn(process.execPath, [bin, 'projections', 'rebuild', 'audit-trail', '--batch-size', '1'], { env: { ...process.env, ...env } });
    let stderr = '';
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('replaying:') && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    expect(stdout).toBe('');
    expect(stderr).toContain('run the same command again to resume');
    expect(code).toBe(130);

    const resumed = await admin(['projections', 'rebuild', 'audit-trail'], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('(resumed)');
    expect(await withStorage(dataDir, snapshot)).toEqual(before);
  }, 120_000);
});
