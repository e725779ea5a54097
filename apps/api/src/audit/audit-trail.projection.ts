import { Injectable } from '@nestjs/common';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type ApplyContext, type LiveChange, type Projection, companyIdOf, write } from '../infrastructure/projections/projection';

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

  async apply(tx: SqlExecutor, events: readonly StoredEvent[], context?: ApplyContext): Promise<LiveChange[]> {
    if (events.length === 0) return [];
    // One insert per batch with the rows as one JSON parameter: the audit trail sees every event, so it must be cheap per event.
    const rows = events.map((event) => {
      const m = event.metadata;
      return {
        event_id: m.eventId,
        position_commit: event.globalPosition.commit.toString(),
        position_prepare: event.globalPosition.prepare.toString(),
        company_id: companyIdOf(event) ?? null,
        stream_id: event.streamId,
        stream_version: event.streamVersion,
        case_id: (event.data as { caseId?: string })?.caseId ?? null,
        type: event.type,
        data: event.data,
        actor: m.actor,
        reason: m.reason ?? null,
        correlation_id: m.correlationId,
        causation_id: m.causationId,
        occurred_at: m.occurredAt,
        recorded_at: event.recordedAt,
        previous_hash: event.previousHash,
        hash: event.hash,
      };
    });
    await write(
      tx,
      context,
      `INSERT INTO rm_audit (event_id, position_commit, position_prepare, company_id, stream_id, stream_version, case_id, type,
         data, actor, reason, correlation_id, causation_id, occurred_at, recorded_at, previous_hash, hash)
       SELECT r.event_id, r.position_commit, r.position_prepare, r.company_id, r.stream_id, r.stream_version, r.case_id, r.type,
         r.data, r.actor, r.reason, r.correlation_id, r.causation_id, r.occurred_at, r.recorded_at, r.previous_hash, r.hash
       FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, position_commit bigint, position_prepare bigint, company_id text, stream_id text,
         stream_version integer, case_id text, type text, data jsonb, actor jsonb, reason text, correlation_id text, causation_id text,
         occurred_at text, recorded_at text, previous_hash text, hash text)
       ON CONFLICT (event_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
    return [];
  }
}
