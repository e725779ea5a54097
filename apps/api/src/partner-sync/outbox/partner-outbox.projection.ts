/**
 * The durable half of the outbound process manager: a checkpointed consumer of the event log that turns
 * each event owing the partner a call into a job row, in the same transaction as its checkpoint. A crash
 * can therefore neither lose a call (the job is committed with the checkpoint) nor queue one twice (the
 * job id is the event id). The worker (outbox-worker.ts) executes the jobs.
 */
import { Injectable } from '@nestjs/common';
import { type ReceivableEvent } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type ApplyContext, type LiveChange, type Projection, companyIdOf, write } from '../../infrastructure/projections/projection';
import { type PartnerJob, orderingKey } from './partner-jobs';

export const OUTBOX_TABLE = 'sync_outbox';

/** Events the partner caused must not be echoed back to it. */
const fromPartner = (event: StoredEvent) => event.metadata.actor?.kind === 'partner';

export function jobFor(event: StoredEvent): PartnerJob | null {
  const companyId = companyIdOf(event);
  const invoiceNumber = event.metadata.invoiceNumber;
  if (!companyId) return null;
  if (event.type === 'ServiceActivated') return { kind: 'link_creditor', companyId };
  if (typeof invoiceNumber !== 'string' || fromPartner(event)) return null;
  const e = event as unknown as ReceivableEvent;
  switch (e.type) {
    case 'ReminderCaseRequested':
      return { kind: 'register_case', companyId, invoiceNumber, caseId: e.data.caseId, claimOre: e.data.claimOre };
    case 'ReminderCaseClosed':
      return { kind: 'cancel_case', companyId, invoiceNumber, caseId: e.data.caseId, reason: e.data.reason };
    case 'ReminderCasePaused':
      return { kind: 'request_respite', companyId, invoiceNumber, caseId: e.data.caseId, until: e.data.until };
    case 'PaymentRegistered':
      // A payment the company received itself, while a case runs, must reach the partner.
      if (!e.data.caseId || e.data.source === 'partner') return null;
      return {
        kind: 'report_payment',
        companyId,
        invoiceNumber,
        caseId: e.data.caseId,
        paymentId: e.data.paymentId,
        amountOre: e.data.amountOre,
        paidOn: e.data.paidOn,
        ...(e.data.reference ? { reference: e.data.reference } : {}),
      };
    default:
      return null;
  }
}

@Injectable()
export class PartnerOutboxProjection implements Projection {
  readonly name = 'partner-outbox';
  /** Not a read model: rebuilding it would call the partner again, so it owns no rebuildable tables. */
  readonly tables = [];
  readonly schema = [
    `CREATE TABLE IF NOT EXISTS ${OUTBOX_TABLE} (
      job_id text PRIMARY KEY,
      seq bigserial NOT NULL,
      ordering_key text NOT NULL,
      company_id text NOT NULL,
      job jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending',
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      outcome text,
      created_at timestamptz NOT NULL DEFAULT now(),
      done_at timestamptz
    )`,
    `CREATE INDEX IF NOT EXISTS sync_outbox_pending ON ${OUTBOX_TABLE} (status, next_attempt_at) WHERE status = 'pending'`,
    `CREATE INDEX IF NOT EXISTS sync_outbox_key ON ${OUTBOX_TABLE} (ordering_key, seq)`,
    // The job's last attempt found the partner unreachable (not a fault of the job): retried at once when it is back.
    `ALTER TABLE ${OUTBOX_TABLE} ADD COLUMN IF NOT EXISTS waits_for_partner boolean NOT NULL DEFAULT false`,
  ];

  async apply(tx: SqlExecutor, events: readonly StoredEvent[], context?: ApplyContext): Promise<LiveChange[]> {
    const jobs: QueuedJobRow[] = [];
    for (const event of events) {
      const job = jobFor(event);
      // The partner call continues the chain of work that caused the event.
      if (job) jobs.push(jobRow(event.metadata.eventId, { ...job, correlationId: event.metadata.correlationId }));
    }
    // The batch's jobs in one statement, kept for the end of the batch with the other read models' writes.
    if (jobs.length > 0) await write(tx, context, ENQUEUE_SQL, [JSON.stringify(jobs)]);
    return [];
  }
}

type QueuedJob = PartnerJob & { correlationId?: string };
type QueuedJobRow = { job_id: string; ordering_key: string; company_id: string; job: QueuedJob };

const jobRow = (jobId: string, job: QueuedJob): QueuedJobRow => ({ job_id: jobId, ordering_key: orderingKey(job), company_id: job.companyId, job });

/** Jobs as a JSON array, numbered (`seq`) in the array's order: a case's jobs run in that order. Each job once (its id). */
const ENQUEUE_SQL = `INSERT INTO ${OUTBOX_TABLE} (job_id, ordering_key, company_id, job)
  SELECT r.job_id, r.ordering_key, r.company_id, r.job
    FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (job_id text, ordering_key text, company_id text, job jsonb)) WITH ORDINALITY AS r(job_id, ordering_key, company_id, job, n)
   ORDER BY r.n
  ON CONFLICT (job_id) DO NOTHING`;

export async function enqueue(tx: SqlExecutor, jobId: string, job: QueuedJob): Promise<void> {
  await tx.query(ENQUEUE_SQL, [JSON.stringify([jobRow(jobId, job)])]);
}
