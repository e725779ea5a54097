import { spec } from '../testing/spec';
import { type Actor } from '../shared/decider';
import { type BankPaymentCommand, type BankPaymentEvent, type MatchTarget, bankPaymentDecider } from './bank-payment';
import { balancedEntry, customerPaymentEntry, partnerPayoutEntry } from './booking';
import {
  type IncomingPaymentFacts,
  type MatchCandidate,
  type MatchLookup,
  type PayoutCandidate,
  lookupKeys,
  matchIncomingPayment,
  samePayer,
} from './matching';
import { type PartnerPayoutEvent, type PartnerPayoutFacts, partnerPayoutDecider } from './partner-payout';
import { invoiceNumberCandidates, invoiceNumbersIn, ocrNumbersIn } from './references';

const invoices: MatchCandidate[] = [
  { invoiceNumber: '1001', customerName: 'Kalle Svensson', remainingClaimOre: 125_000 },
  { invoiceNumber: '1002', customerName: 'Byggfirman AB', remainingClaimOre: 50_000 },
  { invoiceNumber: '1003', customerName: 'Anna Lind', remainingClaimOre: 50_000 },
  { invoiceNumber: '1004', customerName: 'Paid Already', remainingClaimOre: 0 },
  { invoiceNumber: '1006', customerName: 'Byggfirman AB', remainingClaimOre: 20_000 },
  { invoiceNumber: '88', customerName: 'Someone', remainingClaimOre: 99_900 },
];
const ocrs: Record<string, string> = { '10017': '1001', '10025': '1002', '10041': '1004', '10066': '1006' };
const payouts: PayoutCandidate[] = [
  { payoutId: 'po_1', reference: '4000000002', amountOre: 131_329, settledBy: null },
  { payoutId: 'po_2', reference: '4000000010', amountOre: 10_000, settledBy: 'BANK-OLD' },
];
const lookup: MatchLookup = {
  byOcr: (ocr) => invoices.find((i) => i.invoiceNumber === ocrs[ocr]),
  byInvoiceNumber: (n) => invoices.find((i) => i.invoiceNumber === n),
  byRemainingAmount: (amount) => invoices.filter((i) => i.remainingClaimOre === amount),
  payoutByReference: (reference) => payouts.find((p) => p.reference === reference),
};
const payment = (amountOre: number, references: IncomingPaymentFacts['references'], extra: Partial<IncomingPaymentFacts> = {}): IncomingPaymentFacts => ({
  bankReference: 'B1',
  amountOre,
  bookingDate: '2026-11-23',
  references,
  reversal: false,
  ...extra,
});
const onInvoices = (method: string, ...allocations: Array<[string, number]>) => ({
  kind: 'invoices',
  method,
  allocations: allocations.map(([invoiceNumber, amountOre]) => ({ invoiceNumber, amountOre })),
});

describe('Matching an incoming payment', () => {
  it('matches an exact OCR, in full or in part', () => {
    expect(matchIncomingPayment(payment(125_000, [{ kind: 'ocr', value: '10017' }]), lookup)).toEqual(onInvoices('ocr', ['1001', 125_000]));
    expect(matchIncomingPayment(payment(25_000, [{ kind: 'ocr', value: '10017' }]), lookup)).toEqual(onInvoices('ocr', ['1001', 25_000]));
  });
  it('splits one payment over several invoices when it is exactly what they owe together', () => {
    const both = [
      { kind: 'ocr' as const, value: '10025' },
      { kind: 'ocr' as const, value: '10066' },
    ];
    expect(matchIncomingPayment(payment(70_000, both), lookup)).toEqual(onInvoices('ocr', ['1002', 50_000], ['1006', 20_000]));
    // Exactly one of them: that one.
    expect(matchIncomingPayment(payment(20_000, both), lookup)).toEqual(onInvoices('ocr', ['1006', 20_000]));
    // Neither one nor both: a person decides.
    expect(matchIncomingPayment(payment(30_000, both), lookup)).toEqual({ kind: 'queued', reason: 'ambiguous', suggestion: '1002' });
    expect(matchIncomingPayment(payment(80_000, both), lookup)).toEqual({ kind: 'queued', reason: 'overpayment', suggestion: '1002' });
  });
  it('sends an overpayment and a payment on a settled invoice to the queue, with the invoice as suggestion', () => {
    expect(matchIncomingPayment(payment(130_000, [{ kind: 'ocr', value: '10017' }]), lookup)).toEqual({ kind: 'queued', reason: 'overpayment', suggestion: '1001' });
    expect(matchIncomingPayment(payment(100, [{ kind: 'ocr', value: '10041' }]), lookup)).toEqual({ kind: 'queued', reason: 'nothing_to_claim', suggestion: '1004' });
  });
  it('finds a stated invoice number in free text when the amount fits', () => {
    expect(matchIncomingPayment(payment(50_000, [{ kind: 'free_text', value: 'Betalning faktura 1002 tack' }]), lookup)).toEqual(onInvoices('invoice_number', ['1002', 50_000]));
    expect(matchIncomingPayment(payment(10_000, [{ kind: 'invoice_number', value: '1002' }]), lookup)).toEqual(onInvoices('invoice_number', ['1002', 10_000]));
    // A number in the text with an amount above what is owed is not trusted.
    expect(matchIncomingPayment(payment(60_000, [{ kind: 'free_text', value: 'fakt nr 1002' }]), lookup)).toEqual({ kind: 'queued', reason: 'overpayment', suggestion: '1002' });
  });
  it('trusts other digit groups of the text only when they owe exactly the amount', () => {
    expect(matchIncomingPayment(payment(50_000, [{ kind: 'free_text', value: 'betalar 1002 kundnr 88' }]), lookup)).toEqual(onInvoices('invoice_number', ['1002', 50_000]));
    // "88" is an invoice too, but the text does not say so and the amount is not what it owes.
    expect(matchIncomingPayment(payment(10_000, [{ kind: 'free_text', value: 'kundnr 88' }]), lookup)).toEqual({ kind: 'queued', reason: 'no_match' });
    // A stated number that fits wins over a stray digit group.
    expect(matchIncomingPayment(payment(10_000, [{ kind: 'free_text', value: 'Faktura 1002, kund 88' }]), lookup)).toEqual(onInvoices('invoice_number', ['1002', 10_000]));
  });
  it('falls back to amount and payer, and queues when that is ambiguous or unknown', () => {
    expect(matchIncomingPayment(payment(50_000, [], { payerName: 'ANNA LIND' }), lookup)).toEqual(onInvoices('amount_and_payer', ['1003', 50_000]));
    expect(matchIncomingPayment(payment(50_000, [], { payerName: 'Okänd' }), lookup)).toEqual({ kind: 'queued', reason: 'no_match' });
    const twins: MatchLookup = { ...lookup, byRemainingAmount: () => [invoices[2], { ...invoices[2], invoiceNumber: '1005' }] };
    expect(matchIncomingPayment(payment(50_000, [], { payerName: 'Anna Lind' }), twins)).toEqual({ kind: 'queued', reason: 'ambiguous', suggestion: '1003' });
  });
  it("recognises the partner's payout by its reference, once and only in full", () => {
    expect(matchIncomingPayment(payment(131_329, [{ kind: 'ocr', value: '4000000002' }]), lookup)).toEqual({ kind: 'payout', payoutId: 'po_1' });
    expect(matchIncomingPayment(payment(131_329, [{ kind: 'free_text', value: 'AMILI UTBET 4000000002' }]), lookup)).toEqual({ kind: 'payout', payoutId: 'po_1' });
    expect(matchIncomingPayment(payment(131_000, [{ kind: 'ocr', value: '4000000002' }]), lookup)).toEqual({ kind: 'queued', reason: 'payout_mismatch', suggestion: 'po_1' });
    expect(matchIncomingPayment(payment(10_000, [{ kind: 'ocr', value: '4000000010' }]), lookup)).toEqual({ kind: 'queued', reason: 'payout_mismatch', suggestion: 'po_2' });
    // The payment that settled it, imported again, still points at it.
    expect(matchIncomingPayment(payment(10_000, [{ kind: 'ocr', value: '4000000010' }], { bankReference: 'BANK-OLD' }), lookup)).toEqual({ kind: 'payout', payoutId: 'po_2' });
  });
  it('queues payments in another currency than SEK, and reversals', () => {
    expect(matchIncomingPayment(payment(125_000, [{ kind: 'ocr', value: '10017' }], { currency: 'EUR' }), lookup)).toEqual({ kind: 'queued', reason: 'not_sek' });
    expect(matchIncomingPayment(payment(125_000, [{ kind: 'ocr', value: '10017' }], { reversal: true }), lookup)).toEqual({ kind: 'queued', reason: 'reversal' });
  });
  it('asks the lookup for exactly the keys it matches on', () => {
    expect(lookupKeys(payment(1, [{ kind: 'ocr', value: '100 17' }, { kind: 'free_text', value: 'Faktura 1002, ref 4000000002' }]))).toEqual({
      ocrs: ['10017'],
      invoiceNumbers: ['1002', '4000000002'],
      payoutReferences: ['10017', '4000000002'],
    });
  });
});

describe('Reading references the way people write them', () => {
  it.each([
    ['Faktura 2026-17 och F1001', ['2026-17', '1001']],
    ['Faktnr: 63600', ['63600']],
    ['FAKTURA801465', ['801465']],
    ['invoice no 12', ['12']],
    ['8012577,8013575', ['8012577', '8013575']],
    ['657866 658765 657767', ['657866', '658765', '657767']],
    ['referens 88 kund', []],
    ['Faktura B0001234 och fakt. nr AB-12', ['B0001234']],
    ['faktura 1020 och faktura 1021', ['1020', '1021']],
  ])('stated invoice numbers in %j', (text, expected) => {
    expect(invoiceNumberCandidates(text)).toEqual(expected);
  });
  it('guesses the other digit groups after the stated ones', () => {
    expect(invoiceNumbersIn('betalar 1002 kundnr 88, fakt 7')).toEqual(['7', '1002', '88']);
    expect(invoiceNumbersIn('a1b2')).toEqual([]);
    expect(invoiceNumbersIn('betalning B0001234 tack')).toEqual(['B0001234']);
  });
  it('finds OCR numbers typed into a message', () => {
    expect(ocrNumbersIn('ref 4000 0000 02 tack')).toEqual(['4000000002']);
    expect(ocrNumbersIn('ocr 10017, 12345')).toEqual(['10017']);
  });
  it('compares payer names', () => {
    expect(samePayer('Byggfirman AB', 'byggfirman')).toBe(true);
    expect(samePayer('Lind Anna', 'Anna Lind')).toBe(true);
    expect(samePayer(undefined, 'Anna Lind')).toBe(false);
  });
});

describe('Booking', () => {
  it('debits the bank and credits receivables per invoice; an accepted overpayment goes to 2420', () => {
    expect(customerPaymentEntry({ date: '2026-11-23', allocations: [{ invoiceNumber: '1001', amountOre: 125_000 }] }).lines).toEqual([
      { account: '1930', amountOre: 125_000 },
      { account: '1510', amountOre: -125_000, text: 'Faktura 1001' },
    ]);
    const split = customerPaymentEntry({
      date: '2026-11-23',
      allocations: [
        { invoiceNumber: '1002', amountOre: 50_000 },
        { invoiceNumber: '1006', amountOre: 20_000 },
      ],
      overpaymentOre: 500,
      payer: 'Byggfirman AB',
    });
    expect(split.text).toBe('Inbetalning fakturor 1002, 1006, Byggfirman AB');
    expect(split.lines.map((l) => [l.account, l.amountOre])).toEqual([
      ['1930', 70_500],
      ['1510', -50_000],
      ['1510', -20_000],
      ['2420', -500],
    ]);
  });
  it("books the partner's payout: capital settles receivables, interest is income on 8313", () => {
    const entry = partnerPayoutEntry({
      date: '2026-12-02',
      reference: '4000000002',
      items: [
        { invoiceNumber: '1001', capitalOre: 125_000, interestOre: 1_200 },
        { invoiceNumber: '1001', capitalOre: 5_000, interestOre: 129 },
      ],
    });
    expect(entry.lines.map((l) => [l.account, l.amountOre])).toEqual([
      ['1930', 131_329],
      ['1510', -130_000],
      ['8313', -1_329],
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
  const anna = { kind: 'user' as const, id: 'anna' };
  const facts = payment(125_000, [{ kind: 'ocr', value: '10017' }]);
  const received: BankPaymentEvent = { type: 'BankPaymentReceived', data: { payment: facts, importId: 'imp-1', receivedAt: now } };
  const allocations = [{ invoiceNumber: '1001', amountOre: 125_000 }];
  const matched: BankPaymentEvent = { type: 'BankPaymentMatched', data: { method: 'ocr', allocations } };
  const booked: BankPaymentEvent = { type: 'BankPaymentBooked', data: { entry: customerPaymentEntry({ date: '2026-11-23', allocations }) } };
  const match = (target: MatchTarget, actor: Actor = bank): BankPaymentCommand => ({
    type: 'MatchBankPayment',
    now,
    actor,
    data: { method: actor === bank ? 'ocr' : 'manual', target },
  });

  it('is received once: a re-imported file changes nothing', () => {
    spec(bankPaymentDecider).given([]).when({ type: 'ReceiveBankPayment', now, actor: bank, data: { payment: facts, importId: 'imp-1' } }).then([received]);
    spec(bankPaymentDecider).given([received]).when({ type: 'ReceiveBankPayment', now, actor: bank, data: { payment: facts, importId: 'imp-2' } }).then([]);
  });
  it('is matched and booked in one step, once', () => {
    spec(bankPaymentDecider).given([received]).when(match({ kind: 'invoices', allocations })).then([matched, booked]);
    spec(bankPaymentDecider)
      .given([received, matched, booked])
      .when(match({ kind: 'invoices', allocations: [{ invoiceNumber: '1002', amountOre: 125_000 }] }, anna))
      .thenThrows('PAYMENT.ALREADY_MATCHED');
  });
  it('must be placed in full: the parts and an accepted overpayment add up to the payment', () => {
    spec(bankPaymentDecider).given([received]).when(match({ kind: 'invoices', allocations: [{ invoiceNumber: '1001', amountOre: 100_000 }] })).thenThrows('PAYMENT.ALLOCATION_MISMATCH');
    spec(bankPaymentDecider)
      .given([received])
      .when(match({ kind: 'invoices', allocations: [{ invoiceNumber: '1001', amountOre: 100_000 }], overpaymentOre: 25_000 }, anna))
      .then((events) => {
        expect(events[0]).toEqual({ type: 'BankPaymentMatched', data: { method: 'manual', allocations: [{ invoiceNumber: '1001', amountOre: 100_000 }], overpaymentOre: 25_000 } });
        expect(events[1]).toMatchObject({ type: 'BankPaymentBooked', data: { entry: { lines: [{ account: '1930' }, { account: '1510' }, { account: '2420', amountOre: -25_000 }] } } });
      });
    spec(bankPaymentDecider).given([received]).when(match({ kind: 'invoices', allocations: [] })).thenThrows('PAYMENT.NO_INVOICE');
  });
  it("is matched to the partner's payout, capital and interest apart", () => {
    spec(bankPaymentDecider)
      .given([received])
      .when(match({ kind: 'payout', payoutId: 'po_1', reference: '4000000002', items: [{ invoiceNumber: '9', capitalOre: 120_000, interestOre: 5_000 }] }))
      .then((events) => {
        expect(events[0]).toEqual({ type: 'BankPaymentMatched', data: { method: 'ocr', allocations: [], payoutId: 'po_1' } });
        expect(events[1]).toMatchObject({ data: { entry: { lines: [{ account: '1930', amountOre: 125_000 }, { account: '1510' }, { account: '8313', amountOre: -5_000 }] } } });
      });
  });
  it('waits in the queue until a person matches it; a reversal cannot be placed on an invoice', () => {
    const queued: BankPaymentEvent = { type: 'BankPaymentQueued', data: { reason: 'overpayment', suggestion: '1001' } };
    spec(bankPaymentDecider).given([received]).when({ type: 'QueueBankPayment', now, actor: bank, data: { reason: 'overpayment', suggestion: '1001' } }).then([queued]);
    spec(bankPaymentDecider).given([received, queued]).when({ type: 'QueueBankPayment', now, actor: bank, data: { reason: 'overpayment' } }).then([]);
    spec(bankPaymentDecider)
      .given([received, queued])
      .when(match({ kind: 'invoices', allocations }, anna))
      .then((events) => expect(events[0]).toMatchObject({ type: 'BankPaymentMatched', data: { method: 'manual' } }));
    const reversal: BankPaymentEvent = { type: 'BankPaymentReceived', data: { payment: { ...facts, reversal: true }, importId: 'imp-1', receivedAt: now } };
    spec(bankPaymentDecider).given([reversal]).when(match({ kind: 'invoices', allocations }, anna)).thenThrows('PAYMENT.IS_REVERSAL');
    spec(bankPaymentDecider).given([]).when(match({ kind: 'invoices', allocations }, anna)).thenThrows('PAYMENT.NOT_FOUND');
  });
});

describe('Dismissing a queued payment', () => {
  const now = '2026-11-23T10:00:00.000Z';
  const anna = { kind: 'user' as const, id: 'anna' };
  const received: BankPaymentEvent = { type: 'BankPaymentReceived', data: { payment: payment(100, [], { reversal: true }), importId: 'imp-1', receivedAt: now } };
  const dismissed: BankPaymentEvent = { type: 'BankPaymentDismissed', data: { reason: 'Återbetald av banken' } };
  it('records why, once; a dismissed payment is neither queued again nor matched', () => {
    spec(bankPaymentDecider).given([received]).when({ type: 'DismissBankPayment', now, actor: anna, data: { reason: ' Återbetald av banken ' } }).then([dismissed]);
    spec(bankPaymentDecider).given([received, dismissed]).when({ type: 'DismissBankPayment', now, actor: anna, data: { reason: 'igen' } }).then([]);
    spec(bankPaymentDecider).given([received]).when({ type: 'DismissBankPayment', now, actor: anna, data: { reason: ' ' } }).thenThrows('PAYMENT.REASON_REQUIRED');
    spec(bankPaymentDecider).given([received, dismissed]).when({ type: 'QueueBankPayment', now, actor: anna, data: { reason: 'reversal' } }).then([]);
    spec(bankPaymentDecider)
      .given([received, dismissed])
      .when({ type: 'MatchBankPayment', now, actor: anna, data: { method: 'manual', target: { kind: 'invoices', allocations: [{ invoiceNumber: '1', amountOre: 100 }] } } })
      .thenThrows('PAYMENT.DISMISSED');
  });
});

describe("A partner's payout", () => {
  const now = '2026-12-02T08:00:00.000Z';
  const partner = { kind: 'partner' as const, id: 'amili' };
  const bank = { kind: 'bank' as const, id: 'camt-import' };
  const payout: PartnerPayoutFacts = {
    payoutId: 'po_1',
    payoutDate: '2026-12-02',
    amountOre: 125_000,
    reference: '4000000002',
    items: [{ partnerCaseId: 'c_1', invoiceNumber: '9', partnerPaymentId: 'p_1', capitalOre: 120_000, interestOre: 5_000 }],
  };
  const announced: PartnerPayoutEvent = { type: 'PartnerPayoutAnnounced', data: { payout } };
  const receive = (paymentId: string, amountOre = 125_000) =>
    ({ type: 'ReceivePartnerPayout', now, actor: bank, data: { paymentId, bankReference: `REF-${paymentId}`, amountOre, receivedOn: '2026-12-02' } }) as const;

  it('is announced once, and only when its items add up', () => {
    spec(partnerPayoutDecider).given([]).when({ type: 'AnnouncePartnerPayout', now, actor: partner, data: { payout } }).then([announced]);
    spec(partnerPayoutDecider).given([announced]).when({ type: 'AnnouncePartnerPayout', now, actor: partner, data: { payout } }).then([]);
    spec(partnerPayoutDecider)
      .given([])
      .when({ type: 'AnnouncePartnerPayout', now, actor: partner, data: { payout: { ...payout, amountOre: 124_999 } } })
      .thenThrows('PAYOUT.INCONSISTENT');
  });
  it('arrives once, in full', () => {
    const received: PartnerPayoutEvent = { type: 'PartnerPayoutReceived', data: { paymentId: 'pay-1', bankReference: 'REF-pay-1', receivedOn: '2026-12-02' } };
    spec(partnerPayoutDecider).given([announced]).when(receive('pay-1')).then([received]);
    spec(partnerPayoutDecider).given([announced, received]).when(receive('pay-1')).then([]);
    spec(partnerPayoutDecider).given([announced, received]).when(receive('pay-2')).thenThrows('PAYOUT.ALREADY_RECEIVED');
    spec(partnerPayoutDecider).given([announced]).when(receive('pay-1', 1)).thenThrows('PAYOUT.AMOUNT_DIFFERS');
    spec(partnerPayoutDecider).given([]).when(receive('pay-1')).thenThrows('PAYOUT.NOT_FOUND');
  });
});
