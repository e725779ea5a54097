import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../infrastructure/database/tokens';
import { migrate } from '../infrastructure/database/migrate';
import { CompaniesModule } from '../companies';
import { PaymentsModule } from '../payments';
import { ReceivablesModule } from '../receivables';
import { PartnerCaseSync } from './inbound/partner-case-sync';
import { PartnerPoller } from './inbound/partner-poller';
import { SYNC_STATE_TABLE } from './inbound/sync-cursor';
import { PayoutPoller } from './inbound/payout-poller';
import { PushNotificationsController } from './inbound/push-notifications.controller';
import { PUSH_KEYS_SCHEMA } from './inbound/seen-pushes';
import { OutboxWorker } from './outbox/outbox-worker';
import { PartnerOutboxProjection } from './outbox/partner-outbox.projection';
import { ReconciliationJob } from './reconciliation/reconciliation.job';

/**
 * The sync with the collection partner: outbound (outbox projection + worker), inbound (polling and
 * signed pushes) and reconciliation. Loaded only when a partner is configured.
 */
@Module({
  imports: [CompaniesModule, ReceivablesModule, PaymentsModule],
  controllers: [PushNotificationsController],
  providers: [PartnerOutboxProjection, OutboxWorker, PartnerCaseSync, PartnerPoller, PayoutPoller, ReconciliationJob],
  exports: [PartnerOutboxProjection],
})
export class PartnerSyncModule implements OnModuleInit {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly outbox: PartnerOutboxProjection,
  ) {}

  /** The sync's own bookkeeping: poll cursor, seen push keys, newest partner view applied per case. */
  async onModuleInit(): Promise<void> {
    // The outbox table too: the worker may poll it before the projection runner has created its tables.
    await migrate(this.sql, [
      ...this.outbox.schema,
      `CREATE TABLE IF NOT EXISTS ${SYNC_STATE_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
      PUSH_KEYS_SCHEMA,
      `CREATE TABLE IF NOT EXISTS sync_partner_views (partner_case_id text PRIMARY KEY, updated_at text NOT NULL)`,
    ]);
  }
}
