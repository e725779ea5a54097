import { spec } from '../testing/spec';
import { type BankPaymentEvent, bankPaymentDecider } from './bank-payment';
import { balancedEntry, customerPaymentEntry } from './booking';
import { type IncomingPaymentFacts, type MatchCandidate, type MatchLookup, invoiceNumbersIn, matchIncomingPayment, samePayer } from './matching';

const invoices: MatchCandidate[] = [
  { invoiceNumber: '1001', customerName: 'Kalle Svensson', remainingClaimOre: 125_000 },
  { invoiceNumber: '1002', customerName: 'Byggfirman AB', remainingClaimOre: 50_000 },
  { invoiceNumber: '1003', customerName: 'Anna Lind', remainingClaimOre: 50_000 },
  { invoiceNumber: '1004', customerName: 'Paid Already', remainingClaimOre: 0 },
];
const ocrs: Record<string, string> = { '10017': '1001', '10025': '1002', '10041': '1004' };
const lookup: MatchLookup = {
  byOcr: (ocr) => invoices.find((i) => i.invoiceNumber === ocrs[ocr]),
  byInvoiceNumber: (n) => invoices.find((i) => i.invoiceNumber === n),
  byRemainingAmount: (amount) => invoices.filter((i) => i.remainingClaimOre === amount),
};
const payment = (amountOre: number, references: IncomingPaymentFacts['references'], extra: Partial<IncomingPaymentFacts> = {}): IncomingPaymentFacts => ({
  bankReference: 'B1',
  amountOre,
  bookingDate: '2026-11-23',
  references,
  reversal: false,
  ...extra,
});

describe('Matching an incoming payment', () => {
  it('matches an exact OCR, in full or in part', () => {
    expect(matchIncomingPayment(payment(125_000, [{ kind: 'ocr', value: '10017' }]), lookup)).toEqual({
      kind: 'matched',
      invoiceNumber: '1001',
      method: 'ocr',
      amountOre: 125_000,
      partial: false,
    });
    expect(matchIncomingPayment(payment(25_000, [{ kind: 'ocr', value: '10017' }]), lookup)).toMatchObject({ kind: 'matched', partial: true });
  });
  it('sends an overpayment and a payment on a settled invoice to the queue, with the invoice as suggestion', () => {
    expect(matchIncomingPayment(payment(130_000, [{ kind: 'ocr', value: '10017' }]), lookup)).toEqual({ kind: 'queued', reason: 'overpayment', suggestion: '1001' });
    expect(matchIncomingPayment(payment(100, [{ kind: 'ocr', value: '10041' }]), lookup)).toEqual({ kind: 'queued', reason: 'nothing_to_claim', suggestion: '1004' });
  });
  it('finds an invoice number in free text when the amount fits', () => {
    expect(matchIncomingPayment(payment(50_000, [{ kind: 'free_text', value: 'Betalning faktura 1002 tack' }]), lookup)).toMatchObject({
      kind: 'matched',
      invoiceNumber: '1002',
      method: 'invoice_number',
    });
    // A number in the text with an amount above what is owed is not trusted.
    expect(matchIncomingPayment(payment(60_000, [{ kind: 'free_text', value: 'fakt nr 1002' }]), lookup)).toEqual({ kind: 'queued', reason: 'overpayment', suggestion: '1002' });
  });
  it('falls back to amount and payer, and queues when that is ambiguous or unknown', () => {
    expect(matchIncomingPayment(payment(50_000, [], { payerName: 'ANNA LIND' }), lookup)).toMatchObject({ invoiceNumber: '1003', method: 'amount_and_payer' });
    expect(matchIncomingPayment(payment(50_000, [], { payerName: 'Okänd' }), lookup)).toEqual({ kind: 'queued', reason: 'no_match' });
    const twins: MatchLookup = { ...lookup, byRemainingAmount: () => [invoices[2], { ...invoices[2], invoiceNumber: '1005' }] };
    expect(matchIncomingPayment(payment(50_000, [], { payerName: 'Anna Lind' }), twins)).toEqual({ kind: 'queued', reason: 'ambiguous' });
  });
  it('queues payments in another currency than SEK', () => {
    expect(matchIncomingPayment(payment(125_000, [{ kind: 'ocr', value: '10017' }], { currency: 'EUR' }), lookup)).toEqual({ kind: 'queued', reason: 'not_sek' });
  });
  it('queues reversals for a person', () => {
    expect(matchIncomingPayment(payment(125_000, [{ kind: 'ocr', value: '10017' }], { reversal: true }), lookup)).toEqual({ kind: 'queued', reason: 'reversal' });
  });
  it('reads invoice numbers and payer names the way people write them', () => {
    expect(invoiceNumbersIn('Faktura 2026-17 och F1001')).toEqual(expect.arrayContaining(['2026-17', '1001']));
    expect(samePayer('Byggfirman AB', 'byggfirman')).toBe(true);
    expect(samePayer('Lind Anna', 'Anna Lind')).toBe(true);
    expect(samePayer(undefined, 'Anna Lind')).toBe(false);
  });
});

describe('Booking', () => {
  it('debits the bank and credits receivables, with interest on 8313', () => {
    expect(customerPaymentEntry({ date: '2026-11-23', invoiceNumber: '1001', capitalOre: 125_000, interestOre: 1_200 }).lines).toEqual([
      { account: '1930', amountOre: 126_200 },
      { account: '1510', amountOre: -125_000 },
      { account: '8313', amountOre: -1_200 },
    ]);
  });
  it('refuses an entry that does not balance', () => {
    expect(() => balancedEntry({ date: '2026-11-23', text: 'x', lines: [{ account: '1930', amountOre: 100 }, { account: '1510', amountOre: -99 }] })).toThrow(
      expect.objectContaining({ code: 'BOOKING.UNBALANCED' }),
    );
  });
});

describe('An incoming bank payment', () => {
  const now = '2026-11-23T10:00:00.000Z';
  const bank = { kind: 'bank' as const, id: 'camt-import' };
  const facts = payment(125_000, [{ kind: 'ocr', value: '10017' }]);
  const received: BankPaymentEvent = { type: 'BankPaymentReceived', data: { payment: facts, importId: 'imp-1', receivedAt: now } };
  const matched: BankPaymentEvent = { type: 'BankPaymentMatched', data: { invoiceNumber: '1001', amountOre: 125_000, method: 'ocr', partial: false } };
  const entry = customerPaymentEntry({ date: '2026-11-23', invoiceNumber: '1001', capitalOre: 125_000 });

  it('is received once: a re-imported file changes nothing', () => {
    spec(bankPaymentDecider).given([]).when({ type: 'ReceiveBankPayment', now, actor: bank, data: { payment: facts, importId: 'imp-1' } }).then([received]);
    spec(bankPaymentDecider).given([received]).when({ type: 'ReceiveBankPayment', now, actor: bank, data: { payment: facts, importId: 'imp-2' } }).then([]);
  });
  it('is matched once, then booked once', () => {
    spec(bankPaymentDecider).given([received]).when({ type: 'MatchBankPayment', now, actor: bank, data: { invoiceNumber: '1001', method: 'ocr', partial: false } }).then([matched]);
    spec(bankPaymentDecider).given([received, matched]).when({ type: 'MatchBankPayment', now, actor: bank, data: { invoiceNumber: '1002', method: 'manual', partial: false } }).thenThrows('PAYMENT.ALREADY_MATCHED');
    spec(bankPaymentDecider).given([received, matched]).when({ type: 'BookBankPayment', now, actor: bank, data: { entry } }).then([{ type: 'BankPaymentBooked', data: { entry } }]);
    spec(bankPaymentDecider).given([received, matched, { type: 'BankPaymentBooked', data: { entry } }]).when({ type: 'BookBankPayment', now, actor: bank, data: { entry } }).then([]);
  });
  it('waits in the queue until a person matches it; only matched payments are booked', () => {
    const queued: BankPaymentEvent = { type: 'BankPaymentQueued', data: { reason: 'overpayment', suggestion: '1001' } };
    spec(bankPaymentDecider).given([received]).when({ type: 'QueueBankPayment', now, actor: bank, data: { reason: 'overpayment', suggestion: '1001' } }).then([queued]);
    spec(bankPaymentDecider).given([received, queued]).when({ type: 'BookBankPayment', now, actor: bank, data: { entry } }).thenThrows('PAYMENT.NOT_MATCHED');
    spec(bankPaymentDecider)
      .given([received, queued])
      .when({ type: 'MatchBankPayment', now, actor: { kind: 'user', id: 'anna' }, data: { invoiceNumber: '1001', method: 'manual', partial: false } })
      .then((events) => expect(events[0]).toMatchObject({ type: 'BankPaymentMatched', data: { method: 'manual' } }));
  });
});
