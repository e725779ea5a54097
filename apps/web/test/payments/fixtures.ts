/** Shared answers of the fake API for the payments screen's tests. */
import { type Schemas } from '../../src/api/client';
import { type FakeAnswer } from '../support/render';

export const IMPORT_ID = '0b5b6f8e-2a55-4c1e-9d8e-0f1f2a3b4c5d';

export function importRecord(change: Partial<Schemas['ImportRecordDto']> = {}): Schemas['ImportRecordDto'] {
  return {
    importId: IMPORT_ID,
    fileName: 'camt054-nov.xml',
    fileSha256: 'ab'.repeat(32),
    format: 'camt.054',
    source: 'upload',
    status: 'done',
    payments: 10,
    processed: 10,
    matched: 7,
    partlyMatched: 1,
    unmatched: 2,
    duplicates: 0,
    warnings: [],
    startedAt: '2026-11-20T09:15:00Z',
    finishedAt: '2026-11-20T09:15:04Z',
    error: null,
    ...change,
  };
}

export function queued(change: Partial<Schemas['UnmatchedPaymentDto']> = {}): Schemas['UnmatchedPaymentDto'] {
  return {
    paymentId: '11111111-1111-4111-8111-111111111111',
    bankReference: 'BANK-0003',
    amountOre: 125_000,
    currency: 'SEK',
    bookingDate: '2026-11-18',
    payerName: 'Kalle Svensson',
    references: [{ kind: 'ocr', value: '10017' }],
    reversal: false,
    reason: 'overpayment',
    suggestion: '1001',
    importId: IMPORT_ID,
    ...change,
  };
}

export function invoice(invoiceNumber: string, claimOre: number, customer = 'Kalle Svensson'): Schemas['InvoiceView'] {
  return {
    invoiceNumber,
    invoiceDate: '2026-10-01',
    dueDate: '2026-10-31',
    lastDayToPay: '2026-11-02',
    currency: 'SEK',
    totalOre: claimOre,
    vatOre: 0,
    customer: { name: customer, identityNumber: '19811218-9876', isCompany: false, address: { line1: 'Gatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' } },
    customerShareOre: claimOre,
    paidOre: 0,
    claimOre,
    status: 'overdue',
    allowedActions: [],
    version: 1,
    updatedAt: '2026-11-01T10:00:00Z',
  } as Schemas['InvoiceView'];
}

export const PAYOUT: Schemas['PayoutDto'] = {
  payoutId: 'po_77',
  payoutDate: '2026-11-15',
  amountOre: 151_234,
  reference: 'AMILI-PO-77',
  items: [
    { partnerCaseId: 'case_1', invoiceNumber: '1002', partnerPaymentId: 'pay_1', capitalOre: 100_000, interestOre: 1_234 },
    { partnerCaseId: 'case_2', invoiceNumber: '1003', partnerPaymentId: 'pay_2', capitalOre: 50_000, interestOre: 0 },
  ],
  status: 'received',
  paymentId: '22222222-2222-4222-8222-222222222222',
  receivedOn: '2026-11-16',
};

export function queuePage(items: Schemas['UnmatchedPaymentDto'][], total = items.length) {
  return { items, total, page: 1, pageSize: 20 };
}

/** The page's own loads, answered empty unless a test says otherwise. */
export function paymentRoutes(routes: Record<string, FakeAnswer> = {}): Record<string, FakeAnswer> {
  return {
    'GET /api/payments/imports': { body: [] },
    'GET /api/payments/payouts': { body: [] },
    'GET /api/payments/unmatched': { body: queuePage([]) },
    ...routes,
  };
}
