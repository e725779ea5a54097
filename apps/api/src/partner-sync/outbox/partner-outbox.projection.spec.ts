import { createPGliteClient, type SqlClient, type StoredEvent } from '@pm/event-store';
import { type Write, oneStatement } from '../../infrastructure/projections/projection';
import { OUTBOX_TABLE, PartnerOutboxProjection } from './partner-outbox.projection';

/** A case's events as the log hands them over: one company, one invoice, in order. */
function caseEvent(n: number, type: string, data: Record<string, unknown>): StoredEvent {
  return {
    type,
    data: { caseId: 'case-1', ...data },
    metadata: {
      eventId: `event-${n}`,
      actor: { kind: 'user', id: 'user-1' },
      correlationId: 'c-1',
      causationId: 'c-1',
      occurredAt: '2026-12-04T10:00:00.000Z',
      companyId: 'company-1',
      invoiceNumber: '1001',
    },
    streamId: 'receivable-company-1-1001',
    streamVersion: n,
    globalPosition: { commit: BigInt(n), prepare: BigInt(n) },
    recordedAt: '2026-12-04T10:00:00.000Z',
    previousHash: '',
    hash: '',
  };
}

describe("The partner outbox's jobs of a batch", () => {
  let sql: SqlClient;
  const projection = new PartnerOutboxProjection();
  beforeAll(async () => {
    sql = await createPGliteClient();
    for (const statement of projection.schema) await sql.query(statement);
  });
  afterAll(async () => sql?.close());

  // Kept for the end of the batch and run in one statement with the other read models' writes, as the live feed does.
  it("are queued in one write, numbered in their events' order, each once", async () => {
    const batch = [
      caseEvent(1, 'ReminderCaseRequested', { claimOre: 125_000 }),
      caseEvent(2, 'ReminderCasePaused', { until: '2026-12-20' }),
      caseEvent(3, 'ReminderCaseClosed', { reason: 'paid' }),
    ];
    const writes: Write[] = [];
    const context = { recall: () => undefined, deferWrite: (text: string, params: readonly unknown[]) => void writes.push({ text, params }) };
    await projection.apply(sql, batch, context);
    expect(writes).toHaveLength(1);
    expect((await sql.query(`SELECT count(*)::int AS n FROM ${OUTBOX_TABLE}`)).rows).toEqual([{ n: 0 }]); // kept, not run yet
    const { text, params } = oneStatement(writes);
    await sql.query(text, params);
    // Again (a batch retried after a crash): nothing is queued twice.
    await projection.apply(sql, batch);
    const { rows } = await sql.query<{ job_id: string; kind: string; correlation: string }>(
      `SELECT job_id, job->>'kind' AS kind, job->>'correlationId' AS correlation FROM ${OUTBOX_TABLE} ORDER BY seq`,
    );
    expect(rows).toEqual([
      { job_id: 'event-1', kind: 'register_case', correlation: 'c-1' },
      { job_id: 'event-2', kind: 'request_respite', correlation: 'c-1' },
      { job_id: 'event-3', kind: 'cancel_case', correlation: 'c-1' },
    ]);
  });
});
