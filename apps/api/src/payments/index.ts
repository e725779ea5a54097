/** What other contexts may use of the payments context. */
export { PaymentsModule } from './payments.module';
export { BankPaymentsProjection } from './read-model/bank-payments.projection';
export { PartnerPayoutsProjection } from './read-model/partner-payouts.projection';
export { PartnerPayouts } from './partner-payouts/partner-payouts';
export { BankPaymentProcessor } from './matching/bank-payment-processor';
export { BankInboxJob } from './bank-inbox/bank-inbox.job';
