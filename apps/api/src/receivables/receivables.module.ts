import { Module, type OnModuleInit } from '@nestjs/common';
import { CompaniesModule } from '../companies';
import { LiveUpdates } from '../infrastructure/projections/live-updates';
import { CaseController, GetCaseHandler } from './case-view/case-view';
import { CreditInvoiceController, CreditInvoiceHandler } from './credit-invoice/credit-invoice';
import { InvoiceReader } from './invoice-view/invoice-reader';
import { GetInvoiceHandler, InvoicesQueryController, ListInvoicesHandler } from './list-invoices/list-invoices';
import { ManageReminderCaseController, ManageReminderCaseHandler } from './manage-reminder-case/manage-reminder-case';
import { CaseDetailProjection } from './read-model/case-detail.projection';
import { InvoiceListProjection } from './read-model/invoice-list.projection';
import { CaseLookup } from './case-lookup';
import { InvoiceMatchLookup } from './invoice-match-lookup';
import { ReceivableCommands } from './receivable-commands';
import { RegisterPaymentController, RegisterPaymentHandler } from './register-payment/register-payment';
import { PreviewSendingController, PreviewSendingHandler } from './send-to-reminder-handling/preview-sending';
import { SendToReminderHandlingController, SendToReminderHandlingHandler } from './send-to-reminder-handling/send-to-reminder-handling';
import { ResumeExpiredPausesJob } from './resume-expired-pauses/resume-expired-pauses.job';
import { UpsertInvoiceHandler } from './upsert-invoice/upsert-invoice.command';
import { UpsertInvoiceController } from './upsert-invoice/upsert-invoice.controller';

/** Invoices and their reminder cases (one stream per invoice). */
@Module({
  imports: [CompaniesModule],
  controllers: [
    InvoicesQueryController,
    UpsertInvoiceController,
    CreditInvoiceController,
    RegisterPaymentController,
    SendToReminderHandlingController,
    PreviewSendingController,
    ManageReminderCaseController,
    CaseController,
  ],
  providers: [
    ReceivableCommands,
    InvoiceReader,
    UpsertInvoiceHandler,
    CreditInvoiceHandler,
    RegisterPaymentHandler,
    SendToReminderHandlingHandler,
    PreviewSendingHandler,
    ManageReminderCaseHandler,
    ListInvoicesHandler,
    GetInvoiceHandler,
    GetCaseHandler,
    InvoiceListProjection,
    CaseDetailProjection,
    ResumeExpiredPausesJob,
    CaseLookup,
    InvoiceMatchLookup,
  ],
  exports: [InvoiceListProjection, CaseDetailProjection, CaseLookup, ReceivableCommands, InvoiceMatchLookup],
})
export class ReceivablesModule implements OnModuleInit {
  constructor(
    private readonly live: LiveUpdates,
    private readonly reader: InvoiceReader,
    private readonly cases: GetCaseHandler,
  ) {}

  /** Live clients get the same views the API answers with. */
  onModuleInit(): void {
    this.live.registerViews('invoice', (changes) => this.reader.views(changes.map(({ companyId, key }) => ({ companyId, invoiceNumber: key }))));
    this.live.registerViews('case', (changes) => this.cases.views(changes.map(({ companyId, key }) => ({ companyId, caseId: key }))));
  }
}
