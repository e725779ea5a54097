import { Injectable } from '@nestjs/common';
import { type CompanyEvent, type CompanyState, companyDecider } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type ApplyContext, type LiveChange, type Projection, write } from '../../infrastructure/projections/projection';
import { foldStreams } from '../../infrastructure/projections/fold-streams';

export const COMPANY_STREAM_PREFIX = 'company-';

@Injectable()
export class CompanyProjection implements Projection {
  readonly name = 'companies';
  readonly tables = ['rm_companies'];
  readonly schema = [
    `CREATE TABLE IF NOT EXISTS rm_companies (
      company_id text PRIMARY KEY,
      stream_id text NOT NULL UNIQUE,
      organisation_number text NOT NULL UNIQUE,
      version integer NOT NULL,
      state jsonb NOT NULL
    )`,
  ];

  async apply(tx: SqlExecutor, events: readonly StoredEvent[], context?: ApplyContext): Promise<LiveChange[]> {
    const folded = await foldStreams<CompanyState, CompanyEvent>(
      tx,
      companyDecider,
      'SELECT stream_id, state FROM rm_companies WHERE stream_id = ANY($1)',
      events.filter((e) => e.streamId.startsWith(COMPANY_STREAM_PREFIX)),
      context,
    );
    const changes: LiveChange[] = [];
    for (const [streamId, { state, last }] of folded) {
      if (state.status !== 'registered') continue;
      await write(
        tx,
        context,
        `INSERT INTO rm_companies (company_id, stream_id, organisation_number, version, state) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (company_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state`,
        [state.companyId, streamId, state.organisationNumber, last.streamVersion, JSON.stringify(state)],
      );
      changes.push({ companyId: state.companyId, kind: 'company', key: state.companyId });
    }
    return changes;
  }
}
