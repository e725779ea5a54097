import { Injectable } from '@nestjs/common';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type LiveChange, type Projection, companyIdOf } from '../infrastructure/projections/projection';

/** Every event with who, when, why and in which chain of work: the audit trail of cases and companies. */
@Injectable()
export class AuditTrailProjection implements Projection {
  readonly name = 'audit-trail';
  readonly tables = ['rm_audit'];
  readonly schema = [
    `CREATE TABLE IF NOT EXISTS rm_audit (
      event_id text PRIMARY KEY,
      position_commit bigint NOT NULL,
      position_prepare bigint NOT NULL,
      company_id text,
      stream_id text NOT NULL,
      stream_version integer NOT NULL,
      case_id text,
      type text NOT NULL,
      data jsonb NOT NULL,
      actor jsonb NOT NULL,
      reason text,
      correlation_id text NOT NULL,
      causation_id text NOT NULL,
      occurred_at text NOT NULL,
      recorded_at text NOT NULL,
      previous_hash text NOT NULL,
      hash text NOT NULL
    )`,
    'CREATE INDEX IF NOT EXISTS rm_audit_case ON rm_audit (case_id, stream_version)',
    'CREATE INDEX IF NOT EXISTS rm_audit_stream ON rm_audit (stream_id, stream_version)',
    'CREATE INDEX IF NOT EXISTS rm_audit_company ON rm_audit (company_id, position_commit, position_prepare)',
  ];

  async apply(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<LiveChange[]> {
    if (events.length === 0) return [];
    // One multi-row insert per batch: the audit trail sees every event, so it must be cheap per event.
    const columns = 17;
    const values: unknown[] = [];
    const rows = events.map((event, i) => {
      const m = event.metadata;
      values.push(
        m.eventId,
        event.globalPosition.commit.toString(),
        event.globalPosition.prepare.toString(),
        companyIdOf(event) ?? null,
        event.streamId,
        event.streamVersion,
        (event.data as { caseId?: string })?.caseId ?? null,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(m.actor),
        m.reason ?? null,
        m.correlationId,
        m.causationId,
        m.occurredAt,
        event.recordedAt,
        event.previousHash,
        event.hash,
      );
      return `(${Array.from({ length: columns }, (_, j) => `$${i * columns + j + 1}`).join(',')})`;
    });
    await tx.query(
      `INSERT INTO rm_audit (event_id, position_commit, position_prepare, company_id, stream_id, stream_version, case_id, type,
         data, actor, reason, correlation_id, causation_id, occurred_at, recorded_at, previous_hash, hash)
       VALUES ${rows.join(',')} ON CONFLICT (event_id) DO NOTHING`,
      values,
    );
    return [];
  }
}
