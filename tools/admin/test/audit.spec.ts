/**
 * `pnpm admin audit export|verify` on the embedded store: through the running API while it holds the store,
 * then directly once it is closed; a tampered log exits 1 with every problem listed, and kept heads show a
 * deletion of the last events that the chain cannot.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { companyIdFor, createApp, loadConfig, openStorage, signToken } from '@pm/api';
import { admin, withStorage } from './support';

/** RFC 4180 records, read by an independent parser. */
const csvRecords = (text: string): string[][] => parse(text, { relaxColumnCount: false, record_delimiter: '\r\n' });

const ORG = '556036-0793';
const REASON = 'Betalt direkt, "kvitto" nr 7\nandra raden';

describe('pnpm admin audit', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-admin-audit-'));
  // PORT 9: nothing listens there, so a command that wrongly went to an API would fail.
  const env = { DATA_DIR: dataDir, JWT_SECRET: '', PORT: '9' };
  const stream = `receivable-${companyIdFor(ORG)}-A1`;
  let caseId: string;
  let events: number;

  it('has --help on both commands', async () => {
    for (const args of [['audit', '--help'], ['audit', 'export', '--help'], ['audit', 'verify', '--help']]) {
      const result = await admin(args, env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: admin audit');
    }
    expect((await admin(['audit', 'verify', '--help'], env)).stdout).toContain('--anchors');
  });

  it('exports and verifies through the running API while it holds the embedded store', async () => {
    const config = { ...loadConfig({ DATA_DIR: dataDir, JWT_SECRET: '', SEED_DEMO: '0' }), port: 0 };
    const storage = await openStorage(config);
    const app = await createApp(config, { storage, logger: ['error'] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const headers = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      const response = await fetch(new URL(path, apiUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    try {
      const adminToken = signToken(config.jwtSecret, { sub: 'test', role: 'admin' }, '5m');
      const address = { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' };
      await call('POST', '/api/companies', adminToken, { organisationNumber: ORG, name: 'Bygg AB', country: 'SE', address });
      const token = signToken(config.jwtSecret, { sub: 'anna', role: 'user', company: companyIdFor(ORG) }, '5m');
      await call('POST', '/api/activation', token, { termsVersion: config.termsVersion, accepted: true });
      const invoice = {
        invoiceDate: '2026-01-01',
        dueDate: '2026-01-31',
        currency: 'SEK',
        totalOre: 10_000,
        vatOre: 2_000,
        customer: { name: 'Kalle Svensson', identityNumber: '19811218-9876', isCompany: false, address },
      };
      for (const number of ['A1', 'A2']) await call('PUT', `/api/invoices/${number}`, token, invoice);
      caseId = (await call('POST', '/api/invoices/A1/reminder-case', token)).caseId as string;
      await call('POST', '/api/invoices/A1/payments', token, { amountOre: 2_500, paidOn: '2026-02-02' });
      await call('POST', '/api/invoices/A1/reminder-case/close', token, { reason: REASON });

      const exported = await admin(['audit', 'export', '--format', 'json', '--api-url', apiUrl], env);
      expect(exported).toMatchObject({ code: 0, stderr: '' });
      const rows = JSON.parse(exported.stdout) as { streamId: string; streamVersion: number; type: string; reason: string | null; actor: unknown; caseId: string | null }[];
      events = rows.length;
      expect(events).toBeGreaterThanOrEqual(8);
      expect(rows.find((row) => row.type === 'ReminderCaseClosed')).toMatchObject({ streamId: stream, streamVersion: 5, reason: REASON, actor: { kind: 'user', id: 'anna' }, caseId });

      const file = join(dataDir, 'through-api.csv');
      const toFile = await admin(['audit', 'export', '--case', caseId, '--out', file, '--api-url', apiUrl], env);
      expect(toFile).toMatchObject({ code: 0, stdout: `Exported to ${file} through the API at ${apiUrl}\n` });
      expect(csvRecords(readFileSync(file, 'utf8')).slice(1).map((record) => record[4])).toEqual(['ReminderCaseRequested', 'PaymentRegistered', 'ReminderCasePartlyPaid', 'ReminderCaseClosed']);

      const verified = await admin(['audit', 'verify', '--api-url', apiUrl], env);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toContain(`Verified 3 stream(s), ${events} event(s) through the API at ${apiUrl}: every chain verifies`);
      expect(verified.stdout).toContain('cannot show that the LAST events');
      const anchored = await admin(['audit', 'verify', '--anchors', file, '--api-url', apiUrl], env);
      expect(anchored.code).toBe(2);
      expect((await admin(['audit', 'verify', '--api-url', 'http://127.0.0.1:9'], env)).code).toBe(1);
    } finally {
      await app.close();
    }
  }, 240_000);

  it('exports CSV and JSON, to stdout or a file, straight from the closed store', async () => {
    const csv = await admin(['audit', 'export'], env);
    expect(csv.code).toBe(0);
    const [header, ...records] = csvRecords(csv.stdout);
    expect(header!.slice(0, 4)).toEqual(['position', 'streamId', 'streamVersion', 'eventId']);
    expect(header).toEqual(expect.arrayContaining(['actorKind', 'actorId', 'reason', 'correlationId', 'causationId', 'companyId', 'caseId', 'data', 'previousHash', 'hash']));
    expect(records).toHaveLength(events);
    const column = (name: string) => header!.indexOf(name);
    const closed = records.find((record) => record[column('type')] === 'ReminderCaseClosed')!;
    expect(closed[column('reason')]).toBe(REASON);
    expect(closed[column('actorId')]).toBe('anna');
    expect(csv.stdout).toContain(`"${REASON.replace(/"/g, '""')}"`);

    const file = join(dataDir, 'case.json');
    const json = await admin(['audit', 'export', '--case', caseId, '--company', ORG, '--from', '2000-01-01', '--format', 'json', '--out', file], env);
    expect(json).toMatchObject({ code: 0, stdout: `Exported 4 event(s) to ${file}\n` });
    expect((JSON.parse(readFileSync(file, 'utf8')) as { caseId: string }[]).map((row) => row.caseId)).toEqual([caseId, caseId, caseId, caseId]);
    expect(existsSync(`${file}.partial`)).toBe(false);

    for (const args of [['--from', 'yesterday'], ['--case', 'nope'], ['--company', 'Bygg AB'], ['--format', 'xml'], ['--from', '2026-02-01', '--to', '2026-01-01']]) {
      const refused = await admin(['audit', 'export', ...args], env);
      expect(refused.code).toBe(2);
    }
    expect((await admin(['audit', 'export', '--from', 'yesterday'], env)).stderr).toContain('--from: from must be a date (YYYY-MM-DD) or an instant with a zone');
  }, 120_000);

  it('verify exits 0 on an intact log, 1 with every problem when tampered, and kept heads show deleted last events', async () => {
    const heads = join(dataDir, 'heads.ndjson');
    const clean = await admin(['audit', 'verify', '--heads', heads], env);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain(`Verified 3 stream(s), ${events} event(s) in the store: every chain verifies`);
    expect(readFileSync(heads, 'utf8').trim().split('\n').map((line) => JSON.parse(line).streamId)).toContain(stream);

    const original = await withStorage(dataDir, async (storage) => {
      const { rows } = await storage.sql.query<{ data: string }>('SELECT data::text AS data FROM es_events WHERE stream_id = $1 AND stream_version = 3', [stream]);
      await storage.sql.query(`UPDATE es_events SET data = jsonb_set(data, '{amountOre}', '1') WHERE stream_id = $1 AND stream_version = 3`, [stream]);
      return rows[0]!.data;
    });
    const tampered = await admin(['audit', 'verify'], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(`${stream} version 3 edited: `);
    expect(tampered.stdout).toContain('1 problem(s)');
    expect(tampered.stderr).toContain('the event log does not verify');
    const json = await admin(['audit', 'verify', '--json', '--company', ORG], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ verified: false, problems: [{ kind: 'edited', streamId: stream, streamVersion: 3 }] });
    expect((await admin(['audit', 'verify', '--company', '556677-8899'], env)).code).toBe(0);

    // The last event and the read model's copy of it deleted: only the kept heads can tell.
    await withStorage(dataDir, async (storage) => {
      await storage.sql.query('UPDATE es_events SET data = $2::jsonb WHERE stream_id = $1 AND stream_version = 3', [stream, original]);
      await storage.sql.query('DELETE FROM es_events WHERE stream_id = $1 AND stream_version = 5', [stream]);
      await storage.sql.query('DELETE FROM rm_audit WHERE stream_id = $1 AND stream_version = 5', [stream]);
    });
    expect((await admin(['audit', 'verify', '--stream', stream], env)).code).toBe(0);
    const cut = await admin(['audit', 'verify', '--anchors', heads], env);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain(`${stream} version 5 truncated: The log ends at version 4 but the kept head is version 5`);

    writeFileSync(join(dataDir, 'not-heads.txt'), 'hello\n');
    expect((await admin(['audit', 'verify', '--anchors', join(dataDir, 'not-heads.txt')], env)).code).toBe(2);
    expect((await admin(['audit', 'verify', '--company', 'x'], env)).code).toBe(2);
  }, 180_000);
});
