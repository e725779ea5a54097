export { PaymentsModule } from './payments.module';
export { BankPaymentsProjection } from './read-model/bank-payments.projection';
export { BankInboxJob } from './bank-inbox/bank-inbox.job';
