/**
 * The audit export and the tamper evidence of the event log, over real HTTP, run against every store: a real flow of
 * events first, then exports by case, company and period in every format, then the log is tampered with
 * in SQL (an edited payload, a deleted event, two swapped events, deleted last events) and each is found
 * with its stream, version and kind, by the verification and by the case's audit trail.
 */
import { type EventStore } from '@pm/event-store';
import { parse } from 'csv-parse/sync';
import { companyIdFor } from '../../src/shared/auth/tokens';
import { type AuditRow, countLogEvents, exportAuditEvents, verifyChains } from '../../src/audit';
import { AUDIT_CSV_COLUMNS } from '../../src/audit/export-audit-events/audit-formats';
import { type Api, ORG, type StorageFactory, companyWithUser, invoiceBody, startApi } from './api-harness';

/** RFC 4180 records by an independent parser; every record, the last too, must end with CRLF. */
function parseCsv(text: string): string[][] {
  if (!text.endsWith('\r\n')) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return parse(text, { record_delimiter: '\r\n' });
}

const collect = async <T>(rows: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
};

const streamOf = (organisationNumber: string, invoiceNumber: string) => `receivable-${companyIdFor(organisationNumber)}-${invoiceNumber}`;

export function describeAuditSuite(storeName: string, factory: StorageFactory): void {
  describe(`Audit export and tamper evidence on ${storeName}`, () => {
    let api: Api;
    let token: string;
    let otherToken: string;
    const cases: Record<string, string> = {};
    const REASON = 'Betalt direkt, "kvitto" 12,50 kr\nandra raden';

    /** Invoice → case → partial payment → close: five events in the invoice's stream. */
    async function flow(userToken: string, invoiceNumber: string, options: { reason?: string; correlationId?: string } = {}) {
      const put = await api.call('PUT', `/api/invoices/${invoiceNumber}`, { token: userToken, body: invoiceBody({ ocr: undefined }) });
      expect(put.status).toBe(201);
      const sent = await api.call('POST', `/api/invoices/${invoiceNumber}/reminder-case`, {
        token: userToken,
        headers: options.correlationId ? { 'x-correlation-id': options.correlationId } : {},
      });
      expect(sent.status).toBe(201);
      const paid = await api.call('POST', `/api/invoices/${invoiceNumber}/payments`, { token: userToken, body: { amountOre: 25000, paidOn: '2026-11-22' } });
      expect(paid.status).toBe(201);
      const closed = await api.call('POST', `/api/invoices/${invoiceNumber}/reminder-case/close`, { token: userToken, body: { reason: options.reason ?? 'Kunden betalade' } });
      expect(closed.status).toBe(200);
      return sent.body.caseId as string;
    }

    const trail = (caseId: string, userToken = token) => api.call('GET', `/api/cases/${caseId}/events`, { token: userToken });

    beforeAll(async () => {
      api = await startApi(factory, '2026-11-23T10:00:00.000Z');
      token = await companyWithUser(api, ORG.main);
      cases['1001'] = await flow(token, '1001', { reason: REASON, correlationId: 'host-req:1.a' });
      for (const invoiceNumber of ['1002', '1003', '1004', '1005']) cases[invoiceNumber] = await flow(token, invoiceNumber);
      // Another day, just after midnight in Stockholm (still the day before in UTC), and another company.
      api.clock.set('2026-11-24T23:30:00.000Z');
      otherToken = await companyWithUser(api, ORG.other);
      cases['2001'] = await flow(otherToken, '2001');
      api.clock.set('2026-12-01T09:00:00.000Z');
      cases['1006'] = await flow(token, '1006');
    });
    afterAll(async () => api?.close());

    describe('export (before any tampering)', () => {
      it('exports every event of the log in global order, with who, when, why and the chain', async () => {
        const rows = await collect(exportAuditEvents(api.storage, {}));
        expect(rows).toHaveLength(await api.eventCount());
        expect(await countLogEvents(api.storage)).toBe(rows.length);
        const positions = rows.map((row) => row.position.split(':').map(BigInt));
        for (let i = 1; i < positions.length; i++) {
          const [a, b] = [positions[i - 1]!, positions[i]!];
          expect(a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!)).toBe(true);
        }
        const closed = rows.find((row) => row.type === 'ReminderCaseClosed' && row.caseId === cases['1001'])!;
        expect(closed).toEqual({
          position: expect.stringMatching(/^\d+:\d+$/),
          streamId: streamOf(ORG.main, '1001'),
          streamVersion: 5,
          eventId: expect.any(String),
          type: 'ReminderCaseClosed',
          occurredAt: '2026-11-23T10:00:00.000Z',
          recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
          actor: { kind: 'user', id: 'anna' },
          reason: REASON,
          correlationId: expect.any(String),
          causationId: expect.any(String),
          companyId: companyIdFor(ORG.main),
          caseId: cases['1001'],
          data: expect.objectContaining({ caseId: cases['1001'] }),
          metadata: expect.objectContaining({ eventId: closed.eventId, reason: REASON }),
          previousHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
        const invoiceRegistered = rows.find((row) => row.streamId === streamOf(ORG.main, '1001') && row.streamVersion === 1)!;
        expect(invoiceRegistered).toMatchObject({ caseId: null, previousHash: '' });
      });

      it('filters by case: exactly the events of the case trail, from the log', async () => {
        const rows = await collect(exportAuditEvents(api.storage, { caseId: cases['1001'] }));
        const caseTrail = (await trail(cases['1001']!)).body.events as { eventId: string; hash: string }[];
        expect(rows.map((row) => row.eventId)).toEqual(caseTrail.map((event) => event.eventId));
        expect(rows.map((row) => row.hash)).toEqual(caseTrail.map((event) => event.hash));
        expect(rows.map((row) => row.type)).toEqual(['ReminderCaseRequested', 'PaymentRegistered', 'ReminderCasePartlyPaid', 'ReminderCaseClosed']);
        expect(rows[0]!.correlationId).toBe('host-req:1.a');
        expect(new Set(rows.map((row) => row.streamId))).toEqual(new Set([streamOf(ORG.main, '1001')]));
      });

      it('filters by company and by period (dates are Stockholm days, `to` takes the whole day; instants are inclusive)', async () => {
        const other = companyIdFor(ORG.other);
        const all = await collect(exportAuditEvents(api.storage, {}));
        const ofOther = await collect(exportAuditEvents(api.storage, { companyId: other }));
        expect(ofOther.length).toBeGreaterThan(5);
        expect(ofOther).toEqual(all.filter((row) => row.companyId === other));

        // 2026-11-24T23:30Z is 25 November in Stockholm.
        const on25th = await collect(exportAuditEvents(api.storage, { from: '2026-11-25', to: '2026-11-25' }));
        expect(on25th).toEqual(ofOther);
        expect(await collect(exportAuditEvents(api.storage, { to: '2026-11-24' }))).toEqual(all.filter((row) => row.occurredAt === '2026-11-23T10:00:00.000Z'));
        const december = await collect(exportAuditEvents(api.storage, { from: '2026-12-01' }));
        expect(december.map((row) => row.streamId)).toEqual(Array(5).fill(streamOf(ORG.main, '1006')));
        const instants = await collect(exportAuditEvents(api.storage, { from: '2026-11-24T23:30:00Z', to: '2026-12-01T09:00:00.000Z' }));
        expect(instants).toEqual(all.filter((row) => row.occurredAt! >= '2026-11-24T23:30:00.000Z'));
        const combined = await collect(exportAuditEvents(api.storage, { caseId: cases['1006'], companyId: companyIdFor(ORG.main), from: '2026-12-01', to: '2026-12-01' }));
        expect(combined.map((row) => row.type)).toEqual(['ReminderCaseRequested', 'PaymentRegistered', 'ReminderCasePartlyPaid', 'ReminderCaseClosed']);
        expect(await collect(exportAuditEvents(api.storage, { caseId: cases['1006'], companyId: other }))).toEqual([]);
      });

      it('pages through the log in windows of the page size, whatever the filter, with the same result', async () => {
        const all = await collect(exportAuditEvents(api.storage, {}));
        // The log is read through the store (readAll), whatever the store: count the pages it hands out.
        const reads: { limit: number; size: number }[] = [];
        const store = Object.create(api.storage.store) as EventStore;
        store.readAll = async (options) => {
          const page = await api.storage.store.readAll(options);
          reads.push({ limit: options.limit, size: page.length });
          return page;
        };
        const counting = { sql: api.storage.sql, store };
        const sizes = (pageSize: number) => reads.filter((read) => read.limit === pageSize).map((read) => read.size);
        expect(await collect(exportAuditEvents(counting, {}, { pageSize: 3 }))).toEqual(all);
        expect(Math.max(...sizes(3))).toBe(3);
        expect(sizes(3).length).toBe(Math.floor(all.length / 3) + 1);
        expect(reads.every((read) => read.limit === 3)).toBe(true);
        reads.length = 0;
        const progress: number[] = [];
        const ofCase = await collect(exportAuditEvents(counting, { caseId: cases['1003'] }, { pageSize: 4, onProgress: (p) => progress.push(p.scanned) }));
        expect(ofCase).toEqual(all.filter((row) => row.caseId === cases['1003']));
        // (With the log outside SQL the progress bar's total is counted by reading the log once, in pages of its own.)
        expect(Math.max(...sizes(4))).toBe(4);
        expect(progress[progress.length - 1]).toBe(all.length);
        expect(() => exportAuditEvents(api.storage, {}, { pageSize: 0 })).toThrow(RangeError);
      });

      it('streams CSV (RFC 4180: header, quoted commas, quotes and newlines), a JSON array or NDJSON over the admin endpoint', async () => {
        const all = await collect(exportAuditEvents(api.storage, { caseId: cases['1001'] }));
        const response = await fetch(`${api.url}/api/admin/audit/events?case=${cases['1001']}&format=csv`, { headers: { authorization: `Bearer ${api.adminToken}` } });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
        const text = await response.text();
        expect(text).toContain(`"${REASON.replace(/"/g, '""')}"`);
        const [header, ...records] = parseCsv(text);
        expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
        expect(records).toHaveLength(all.length);
        const byColumn = records.map((record) => Object.fromEntries(header!.map((column, i) => [column, record[i]])));
        const closed = byColumn.find((record) => record.type === 'ReminderCaseClosed')!;
        expect(closed).toMatchObject({ reason: REASON, actorKind: 'user', actorId: 'anna', streamVersion: '5', caseId: cases['1001'] });
        expect(byColumn[0]).toMatchObject({ type: 'ReminderCaseRequested', correlationId: 'host-req:1.a', reason: '' });
        expect(JSON.parse(closed.data!)).toEqual(all[3]!.data);
        expect(JSON.parse(closed.metadata!)).toEqual(all[3]!.metadata);
        expect(byColumn.map((record) => record.hash)).toEqual(all.map((row) => row.hash));

        const json = await api.call('GET', `/api/admin/audit/events?company=${ORG.other}&format=json`, { token: api.adminToken });
        expect(json.status).toBe(200);
        expect(json.headers.get('content-type')).toMatch(/^application\/json/);
        expect(json.body).toEqual(JSON.parse(JSON.stringify(await collect(exportAuditEvents(api.storage, { companyId: companyIdFor(ORG.other) })))));
        expect(Object.keys(json.body[0]).sort()).toEqual(
          ['position', 'streamId', 'streamVersion', 'eventId', 'type', 'occurredAt', 'recordedAt', 'actor', 'reason', 'correlationId', 'causationId', 'companyId', 'caseId', 'data', 'metadata', 'previousHash', 'hash'].sort(),
        );

        const ndjson = await fetch(`${api.url}/api/admin/audit/events?from=2026-12-01&format=ndjson`, { headers: { authorization: `Bearer ${api.adminToken}` } });
        const lines = (await ndjson.text()).split('\n');
        expect(lines.pop()).toBe('');
        expect(lines.map((line) => (JSON.parse(line) as AuditRow).streamId)).toEqual(Array(5).fill(streamOf(ORG.main, '1006')));

        const empty = await api.call('GET', `/api/admin/audit/events?from=2030-01-01&format=json`, { token: api.adminToken });
        expect(empty).toMatchObject({ status: 200, body: [] });
        const emptyCsv = await fetch(`${api.url}/api/admin/audit/events?from=2030-01-01`, { headers: { authorization: `Bearer ${api.adminToken}` } });
        expect(await emptyCsv.text()).toBe(`${AUDIT_CSV_COLUMNS.join(',')}\r\n`);
      });

      it('refuses bad filters with 400 and a clear message, and non-admins with 403', async () => {
        const bad = await api.call('GET', '/api/admin/audit/events?case=nope&from=2026-02-30&company=x', { token: api.adminToken });
        expect(bad.status).toBe(400);
        expect(bad.body.code).toBe('AUDIT.INVALID_FILTER');
        expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['case', 'company', 'from']);
        expect(bad.body.message).toContain('from must be a date (YYYY-MM-DD) or an instant with a zone');
        const reversed = await api.call('GET', '/api/admin/audit/events?from=2026-12-02&to=2026-12-01', { token: api.adminToken });
        expect(reversed.body).toMatchObject({ code: 'AUDIT.INVALID_FILTER', message: expect.stringContaining('from must not be after to') });
        const noZone = await api.call('GET', '/api/admin/audit/events?to=2026-12-01T10:00:00', { token: api.adminToken });
        expect(noZone.status).toBe(400);
        const format = await api.call('GET', '/api/admin/audit/events?format=xml', { token: api.adminToken });
        expect(format).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
        const unknown = await api.call('GET', '/api/admin/audit/events?caseId=x', { token: api.adminToken });
        expect(unknown).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
        expect((await api.call('GET', '/api/admin/audit/verify?company=12', { token: api.adminToken })).body.code).toBe('AUDIT.INVALID_FILTER');
        expect((await api.call('GET', '/api/admin/audit/events', { token })).status).toBe(403);
        expect((await api.call('GET', '/api/admin/audit/verify', { token })).status).toBe(403);
        expect((await api.call('GET', '/api/admin/audit/verify')).status).toBe(401);
      });
    });

    describe('tamper evidence', () => {
      it('verifies an untouched log: every stream, every event', async () => {
        const report = await verifyChains(api.storage);
        expect(report).toMatchObject({ verified: true, problems: [], events: await api.eventCount() });
        expect(report.streams).toBe(
          Number((await api.storage.sql.query<{ n: string }>('select count(distinct stream_id) as n from es_events')).rows[0]!.n),
        );
        expect(report.heads).toMatchObject({ witness: 'rm_audit', notWitnessedToHead: 0, witnessedToHead: report.streams });
        expect(report.limits).toContain('cannot show that the LAST events');
        const chain = (await trail(cases['1001']!)).body.chain;
        expect(chain).toMatchObject({ verified: true, checkedEvents: 5, problems: [] });
        expect(chain.note).toContain('LAST events');
      });

      it('finds an edited payload, a deleted event in the middle and two swapped events, each with stream, version and kind', async () => {
        const [edited, deleted, swapped] = [streamOf(ORG.main, '1001'), streamOf(ORG.main, '1002'), streamOf(ORG.main, '1003')];
        await api.storage.sql.query(`UPDATE es_events SET data = jsonb_set(data, '{amountOre}', '1') WHERE stream_id = $1 AND stream_version = 3`, [edited]);
        await api.storage.sql.query('DELETE FROM es_events WHERE stream_id = $1 AND stream_version = 3', [deleted]);
        await api.storage.sql.query('UPDATE es_events SET stream_version = 1000 WHERE stream_id = $1 AND stream_version = 2', [swapped]);
        await api.storage.sql.query('UPDATE es_events SET stream_version = 2 WHERE stream_id = $1 AND stream_version = 3', [swapped]);
        await api.storage.sql.query('UPDATE es_events SET stream_version = 3 WHERE stream_id = $1 AND stream_version = 1000', [swapped]);

        const report = await verifyChains(api.storage, {}, { pageSize: 2 });
        expect(report.verified).toBe(false);
        expect(report.problems.map(({ kind, streamId, streamVersion }) => ({ kind, streamId, streamVersion }))).toEqual([
          { kind: 'edited', streamId: edited, streamVersion: 3 },
          { kind: 'missing', streamId: deleted, streamVersion: 3 },
          { kind: 'reordered', streamId: swapped, streamVersion: 2 },
          { kind: 'reordered', streamId: swapped, streamVersion: 3 },
        ]);
        expect(report.problems[0]!.eventId).toBeTruthy();
        expect(report.problems[2]!.message).toContain('written as version 3');

        // The case trail shows it, for the tampered cases only.
        for (const [invoiceNumber, kinds] of [['1001', ['edited']], ['1002', ['missing']], ['1003', ['reordered', 'reordered']]] as const) {
          const chain = (await trail(cases[invoiceNumber]!)).body.chain;
          expect(chain.verified).toBe(false);
          expect(chain.problems.map((p: { kind: string }) => p.kind)).toEqual(kinds);
          expect(chain.problems[0]).toEqual({ kind: kinds[0], streamVersion: invoiceNumber === '1003' ? 2 : 3, message: expect.any(String) });
        }
        expect((await trail(cases['1002']!)).body.chain.checkedEvents).toBe(4);
        expect((await trail(cases['1004']!)).body.chain).toMatchObject({ verified: true, checkedEvents: 5, problems: [] });
        expect((await trail(cases['2001']!, otherToken)).body.chain.verified).toBe(true);

        // Per company, and over HTTP.
        expect(await verifyChains(api.storage, { companyId: companyIdFor(ORG.other) })).toMatchObject({ verified: true, streams: 2, events: 7 });
        const mine = await api.call('GET', `/api/admin/audit/verify?company=${ORG.main}`, { token: api.adminToken });
        expect(mine.status).toBe(200);
        expect(mine.body).toMatchObject({ verified: false, problems: JSON.parse(JSON.stringify(report.problems)) });
        const one = await api.call('GET', `/api/admin/audit/verify?stream=${encodeURIComponent(deleted)}&heads=true`, { token: api.adminToken });
        expect(one.body).toMatchObject({ verified: false, streams: 1, events: 4, streamHeads: [{ streamId: deleted, version: 5, events: 4, witnessedVersion: 5 }] });
      });

      it('deleting the last events is invisible to the chain; the audit trail read model and kept heads show it, as far as they reach', async () => {
        const cut = streamOf(ORG.main, '1004');
        const heads = new Map<string, { streamId: string; version: number; hash: string | null }>();
        await verifyChains(api.storage, { streamId: cut }, { onStream: (head) => heads.set(head.streamId, head) });
        await api.storage.sql.query('DELETE FROM es_events WHERE stream_id = $1 AND stream_version >= 4', [cut]);
        const report = await verifyChains(api.storage, { streamId: cut });
        expect(report.problems).toEqual([{ kind: 'truncated', streamId: cut, streamVersion: 4, message: expect.stringContaining('recorded up to version 5') }]);
        expect((await trail(cases['1004']!)).body.chain).toMatchObject({ verified: false, checkedEvents: 3, problems: [{ kind: 'truncated', streamVersion: 4 }] });

        // With the read model's copy gone too, only the kept head can tell; without it nothing can (the documented limit).
        await api.storage.sql.query('DELETE FROM rm_audit WHERE stream_id = $1 AND stream_version >= 4', [cut]);
        expect((await verifyChains(api.storage, { streamId: cut })).problems).toEqual([]);
        const anchored = await verifyChains(api.storage, { streamId: cut }, { anchors: heads });
        expect(anchored.problems).toEqual([{ kind: 'truncated', streamId: cut, streamVersion: 4, message: expect.stringContaining('kept head is version 5') }]);
        expect(anchored.heads.anchored).toBe(1);
      });

      it('a tail rewritten and re-hashed keeps a valid chain; the read model shows where it differs, and a deleted whole stream is found', async () => {
        const stream = streamOf(ORG.main, '1005');
        const { events } = await api.storage.store.readStream(stream);
        const { computeEventHash } = await import('@pm/event-store');
        let previousHash = events[2]!.previousHash;
        for (const event of events.slice(2)) {
          const forged = { ...event, data: { ...(event.data as object), forged: true }, previousHash };
          previousHash = computeEventHash(forged);
          await api.storage.sql.query('UPDATE es_events SET data = $1::jsonb, previous_hash = $2, hash = $3 WHERE stream_id = $4 AND stream_version = $5', [
            JSON.stringify(forged.data),
            forged.previousHash,
            previousHash,
            stream,
            event.streamVersion,
          ]);
        }
        const rewritten = await verifyChains(api.storage, { streamId: stream });
        expect(rewritten.problems.map(({ kind, streamVersion }) => ({ kind, streamVersion }))).toEqual([{ kind: 'rewritten', streamVersion: 3 }]);

        const gone = streamOf(ORG.other, '2001');
        await api.storage.sql.query('DELETE FROM es_events WHERE stream_id = $1', [gone]);
        const report = await verifyChains(api.storage, { companyId: companyIdFor(ORG.other) });
        expect(report.problems).toEqual([{ kind: 'truncated', streamId: gone, streamVersion: 1, message: expect.stringContaining('whole stream was deleted') }]);
        const all = await verifyChains(api.storage, {}, { pageSize: 1 });
        expect(new Set(all.problems.map((p) => p.kind))).toEqual(new Set(['edited', 'missing', 'reordered', 'truncated', 'rewritten']));
      });
    });
  });
}
