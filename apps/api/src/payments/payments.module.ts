import { type DynamicModule, Module } from '@nestjs/common';
import { CompaniesModule } from '../companies';
import { ReceivablesModule } from '../receivables';
import { BankInboxJob } from './bank-inbox/bank-inbox.job';
import { BankPaymentProcessor } from './bank-payment-processor';
import { ImportBankFileController, ImportBankFileHandler } from './import-bank-file/import-bank-file';
import { BankPaymentsProjection } from './read-model/bank-payments.projection';
import {
  ListUnmatchedPaymentsHandler,
  MatchPaymentManuallyHandler,
  UnmatchedQueueController,
} from './unmatched-queue/unmatched-queue';

/** Incoming bank payments: file imports, matching to invoices, the queue for a person, the bank inbox. */
@Module({})
export class PaymentsModule {
  static forRoot(options: { withInbox: boolean }): DynamicModule {
    return {
      module: PaymentsModule,
      imports: [CompaniesModule, ReceivablesModule],
      controllers: [ImportBankFileController, UnmatchedQueueController],
      providers: [
        BankPaymentProcessor,
        BankPaymentsProjection,
        ImportBankFileHandler,
        ListUnmatchedPaymentsHandler,
        MatchPaymentManuallyHandler,
        ...(options.withInbox ? [BankInboxJob] : []),
      ],
      exports: [BankPaymentsProjection, ...(options.withInbox ? [BankInboxJob] : [])],
    };
  }
}
