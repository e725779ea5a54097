import { Inject, Injectable } from '@nestjs/common';
import { type CompanyEvent, type CompanyState, activationNeed, companyDecider, fold, streams } from '@pm/domain';
import { type EventStore, type SqlClient, type StoredEvent } from '@pm/event-store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_STORE, SQL_CLIENT } from '../infrastructure/database/tokens';

/**
 * The companies context's public face for other contexts: whether a company may send now. Read from
 * the company's stream, not a read model, so an activation counts the moment it is stored.
 */
@Injectable()
export class CompanyDirectory {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
  ) {}

  async state(companyId: string): Promise<CompanyState> {
    const { events } = await this.store.readStream(streams.company(companyId));
    return fold(companyDecider, events as unknown as CompanyEvent[]);
  }

  /** The company whose incoming payments arrive on this bankgiro number (any formatting). */
  async byBankgiro(bankgiro: string): Promise<string | null> {
    const digits = bankgiro.replace(/\D/g, '');
    if (!digits) return null;
    const { rows } = await this.sql.query<{ company_id: string }>(
      "SELECT company_id FROM rm_companies WHERE regexp_replace(state->>'bankgiro', '[^0-9]', '', 'g') = $1",
      [digits],
    );
    return rows.length === 1 ? rows[0].company_id : null;
  }

  /** The company that is this creditor at the collection partner. */
  async byPartnerCreditor(creditorId: string): Promise<string | null> {
    const { rows } = await this.sql.query<{ company_id: string }>("SELECT company_id FROM rm_companies WHERE state->>'partnerCreditorId' = $1", [creditorId]);
    return rows.length === 1 ? rows[0].company_id : null;
  }

  /** The company's stream, for a command that reads it with its own (DecisionOptions.alsoRead) and asks `isActiveIn`. */
  streamOf(companyId: string): string {
    return streams.company(companyId);
  }

  /** Whether the company whose stream holds these events may send now. */
  isActiveIn(events: readonly StoredEvent[]): boolean {
    return activationNeed(fold(companyDecider, events as unknown as CompanyEvent[]), this.config.termsVersion) === null;
  }
}
