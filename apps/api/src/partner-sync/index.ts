export { PartnerSyncModule } from './partner-sync.module';
export { PartnerOutboxProjection } from './outbox/partner-outbox.projection';
export { OutboxWorker } from './outbox/outbox-worker';
export { PartnerPoller } from './inbound/partner-poller';
export { ReconciliationJob } from './reconciliation/reconciliation.job';
export { PayoutPoller } from './inbound/payout-poller';
