/** Invoices, previews, cases and audit entries as the API answers them, for the invoices screens' tests. */
import { type Schemas } from '../../src/api/client';
import { COMPANY } from '../support/render';

export type Invoice = Schemas['InvoiceView'];

export function invoice(invoiceNumber: string, rest: Partial<Invoice> = {}): Invoice {
  return {
    invoiceNumber,
    invoiceDate: '2026-09-01',
    dueDate: '2026-10-01',
    lastDayToPay: '2026-10-01',
    currency: 'SEK',
    totalOre: 125_000,
    vatOre: 25_000,
    ocr: `${invoiceNumber}7`,
    customer: { name: 'Anna Lindqvist', identityNumber: '19640823-3234', isCompany: false, email: 'anna@example.se', address: { line1: 'Björkvägen 12', postalCode: '433 31', city: 'Partille', country: 'SE' } },
    customerShareOre: 125_000,
    paidOre: 0,
    claimOre: 125_000,
    status: 'overdue',
    caseId: null,
    caseStatus: null,
    sentAt: null,
    partnerCaseId: null,
    portalUrl: null,
    creditedAt: null,
    allowedActions: ['send_to_reminder_handling', 'credit_invoice', 'register_payment'],
    version: 1,
    updatedAt: '2026-11-01T10:00:00Z',
    ...rest,
  };
}

export function page(items: Invoice[], total = items.length, pageNumber = 1, pageSize = 50) {
  return { items, total, page: pageNumber, pageSize };
}

export function preview(invoiceNumber: string, rest: Partial<Schemas['SendingPreviewItemDto']> = {}): Schemas['SendingPreviewItemDto'] {
  return {
    invoiceNumber,
    found: true,
    customerName: 'Anna Lindqvist',
    customerIsCompany: false,
    totalOre: 125_000,
    customerShareOre: 125_000,
    taxReductionType: null,
    claimOre: 125_000,
    interestSoFarOre: 1_234,
    interestRateBasisPoints: 1_200,
    possibleFees: [
      { kind: 'reminder_fee', amountOre: 6_000 },
      { kind: 'debt_collection_fee', amountOre: 18_000 },
    ],
    canSend: true,
    refusal: null,
    ...rest,
  };
}

export const INACTIVE_COMPANY = {
  ...COMPANY,
  activation: { active: false, termsVersion: '2026-1', acceptedTermsVersion: null, acceptedBy: null, acceptedAt: null, activationNeeded: 'never_activated' as const },
};

export const CASE_ID = '6f1c3c1e-8f5e-4c7a-9d57-0c7e2b7f1a11';

export function caseView(rest: Partial<Schemas['CaseView']> = {}): Schemas['CaseView'] {
  return {
    caseId: CASE_ID,
    invoice: { invoiceNumber: '1001', customerName: 'Anna Lindqvist', customerIsCompany: false, invoiceDate: '2026-09-01', dueDate: '2026-10-01', totalOre: 125_000, paidOre: 0 },
    status: 'reminder_sent',
    stage: 'reminder_sent',
    open: true,
    initialClaimOre: 125_000,
    remainingClaimOre: 125_000,
    requestedAt: '2026-11-02T09:30:00Z',
    requestedBy: 'u1',
    partnerCaseId: 'am_77',
    portalUrl: 'http://partner.test/portal/cases/am_77',
    partnerOcr: '7700012',
    reminderSentOn: '2026-11-03',
    debtCollectionOn: null,
    pausedUntil: null,
    feesOre: 6_000,
    endedAt: null,
    endReason: null,
    needsAttention: null,
    allowedActions: ['close_case', 'pause_case', 'register_payment', 'open_in_portal'],
    nextStep: { step: 'debt_collection', expectedOn: '2026-11-15' },
    expectedClaim: { asOf: '2026-11-10', capitalOre: 125_000, interestOre: 1_500, fees: [{ kind: 'reminder_fee', amountOre: 6_000 }], feesOre: 6_000, totalOre: 132_500, interestEstimated: false },
    ...rest,
  };
}

let counter = 0;
export function auditEntry(type: string, streamVersion: number, data: Record<string, unknown> = {}, rest: Partial<Schemas['AuditEntryDto']> = {}): Schemas['AuditEntryDto'] {
  counter += 1;
  return {
    eventId: `e-${counter}`,
    type,
    streamVersion,
    occurredAt: '2026-11-02T09:30:00Z',
    recordedAt: '2026-11-02T09:30:01Z',
    actor: { kind: 'user', id: 'u1' },
    reason: null,
    correlationId: 'c',
    causationId: 'c',
    data: { caseId: CASE_ID, ...data },
    previousHash: 'x',
    hash: 'y',
    ...rest,
  };
}
