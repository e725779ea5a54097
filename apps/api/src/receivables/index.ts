export { ReceivablesModule } from './receivables.module';
export { InvoiceListProjection } from './read-model/invoice-list.projection';
export { CaseDetailProjection } from './read-model/case-detail.projection';
export { CaseLookup, type CaseRef } from './case-lookup';
export { ReceivableCommands } from './receivable-commands';
export { InvoiceMatchLookup, type InvoiceCandidate } from './invoice-match-lookup';
