/**
 * Every read model of the API, in the order their projections run. The application and the operator's
 * tool (projection status and rebuild) take them from here, so both always know the same set.
 */
import { AuditTrailProjection } from './audit';
import { JournalProjection } from './accounting';
import { CompanyProjection } from './companies';
import { type Projection } from './infrastructure/projections/projection';
import { BankPaymentsProjection, PartnerPayoutsProjection } from './payments';
import { CaseDetailProjection, InvoiceListProjection } from './receivables';
import { PartnerOutboxProjection } from './partner-sync';
import { type AppConfig } from './config/app-config';

export const READ_MODEL_PROJECTIONS = [
  CompanyProjection,
  InvoiceListProjection,
  CaseDetailProjection,
  AuditTrailProjection,
  BankPaymentsProjection,
  PartnerPayoutsProjection,
  JournalProjection,
] as const;

/** Fresh instances of the read models' projections (they have no dependencies). */
export function readModelProjections(): Projection[] {
  return READ_MODEL_PROJECTIONS.map((P) => new P());
}

/** Every projection the API runs with this configuration: the read models, and the partner outbox when a partner is set. */
export function projectionsFor(config: Pick<AppConfig, 'partner'>): Projection[] {
  return [...readModelProjections(), ...(config.partner ? [new PartnerOutboxProjection()] : [])];
}
