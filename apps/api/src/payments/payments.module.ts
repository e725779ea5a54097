import { Module } from '@nestjs/common';
import { CompaniesModule } from '../companies';
import { ReceivablesModule } from '../receivables';
import { BankInboxJob } from './bank-inbox/bank-inbox.job';
import { GetImportHandler, ImportBankFileController, ImportBankFileHandler } from './import-bank-file/import-bank-file';
import { ImportRegistry } from './import-bank-file/import-registry';
import { BankPaymentProcessor } from './matching/bank-payment-processor';
import { ListPayoutsController, ListPayoutsHandler } from './list-payouts/list-payouts';
import { PartnerPayouts } from './partner-payouts/partner-payouts';
import { PayoutLookup } from './partner-payouts/payout-lookup';
import { BankPaymentsProjection } from './read-model/bank-payments.projection';
import { PartnerPayoutsProjection } from './read-model/partner-payouts.projection';
import { HandleQueuedPaymentHandler, ListUnmatchedPaymentsHandler, UnmatchedQueueController } from './unmatched-queue/unmatched-queue';

/** Incoming bank payments: file imports, matching to invoices and partner payouts, the queue for a person, the bank inbox. */
@Module({
  imports: [CompaniesModule, ReceivablesModule],
  controllers: [ImportBankFileController, UnmatchedQueueController, ListPayoutsController],
  providers: [
    BankPaymentProcessor,
    BankPaymentsProjection,
    PartnerPayoutsProjection,
    PartnerPayouts,
    PayoutLookup,
    ImportRegistry,
    ImportBankFileHandler,
    GetImportHandler,
    ListUnmatchedPaymentsHandler,
    HandleQueuedPaymentHandler,
    ListPayoutsHandler,
    BankInboxJob,
  ],
  exports: [BankPaymentsProjection, PartnerPayoutsProjection, PartnerPayouts, BankPaymentProcessor, BankInboxJob],
})
export class PaymentsModule {}
