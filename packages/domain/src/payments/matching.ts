/**
 * Matching an incoming bank payment (domain.md §7): exact OCR first, then the partner's payout
 * reference, then invoice numbers found in the payment's text with an amount check, then amount and
 * payer. Whatever is not certain goes to a queue for a person: unknown payments, overpayments,
 * ambiguous candidates, reversals, other currencies. The policy is pure: the caller supplies the
 * lookups over its own read model.
 */
import { invoiceNumberCandidates, invoiceNumbersIn, ocrNumbersIn } from './references';

export type ReferenceKind = 'ocr' | 'invoice_number' | 'free_text';

export interface IncomingPaymentFacts {
  bankReference: string;
  amountOre: number;
  bookingDate: string;
  payerName?: string;
  references: ReadonlyArray<{ kind: ReferenceKind; value: string }>;
  reversal: boolean;
  /** ISO 4217; invoices are in SEK, so anything else waits for a person. Absent means SEK. */
  currency?: string;
}

/** What matching needs to know of an invoice that may receive the payment. */
export interface MatchCandidate {
  invoiceNumber: string;
  customerName: string;
  /** What the customer still owes (their share minus payments), in öre. */
  remainingClaimOre: number;
}

/** A payout the collection partner announced: capital and interest it collected, paid to the company. */
export interface PayoutCandidate {
  payoutId: string;
  reference: string;
  amountOre: number;
  /** The bank payment that already settled it, if any. */
  settledBy: string | null;
}

export interface MatchLookup {
  byOcr(ocr: string): MatchCandidate | undefined;
  byInvoiceNumber(invoiceNumber: string): MatchCandidate | undefined;
  /** Invoices whose remaining claim is exactly this amount. */
  byRemainingAmount(amountOre: number): readonly MatchCandidate[];
  payoutByReference(reference: string): PayoutCandidate | undefined;
}

export type MatchMethod = 'ocr' | 'invoice_number' | 'amount_and_payer' | 'partner_payout' | 'manual';
export type QueueReason = 'no_match' | 'overpayment' | 'ambiguous' | 'reversal' | 'nothing_to_claim' | 'not_sek' | 'payout_mismatch';
export const QUEUE_REASONS: readonly QueueReason[] = ['no_match', 'overpayment', 'ambiguous', 'reversal', 'nothing_to_claim', 'not_sek', 'payout_mismatch'];

/** A part of a payment placed on one invoice. */
export interface Allocation {
  invoiceNumber: string;
  amountOre: number;
}

export type MatchDecision =
  | { kind: 'invoices'; method: MatchMethod; allocations: Allocation[] }
  | { kind: 'payout'; payoutId: string }
  | { kind: 'queued'; reason: QueueReason; suggestion?: string };

/** What a lookup needs to fetch for a payment: the same keys the policy below asks for. */
export function lookupKeys(payment: IncomingPaymentFacts): { ocrs: string[]; invoiceNumbers: string[]; payoutReferences: string[] } {
  const ocrs = ocrReferences(payment);
  return { ocrs, invoiceNumbers: invoiceNumberReferences(payment), payoutReferences: payoutReferences(payment, ocrs) };
}

function ocrReferences(payment: IncomingPaymentFacts): string[] {
  return [...new Set(payment.references.filter((r) => r.kind === 'ocr').map((r) => r.value.replace(/\s/g, '')))];
}

/** Invoice numbers the payer stated ('Faktura 1001'), and every other digit group of the text as guesses. */
function invoiceNumberReferences(payment: IncomingPaymentFacts, which: 'stated' | 'all' = 'all'): string[] {
  const fromText = which === 'stated' ? invoiceNumberCandidates : invoiceNumbersIn;
  const numbers = payment.references.flatMap((r) => (r.kind === 'invoice_number' ? [r.value] : r.kind === 'free_text' ? fromText(r.value) : []));
  return [...new Set(numbers)];
}

function payoutReferences(payment: IncomingPaymentFacts, ocrs: string[]): string[] {
  return [...new Set([...ocrs, ...payment.references.flatMap((r) => (r.kind === 'free_text' ? ocrNumbersIn(r.value) : []))])];
}

/** Names compared without case, punctuation, company forms or word order ("AB Kalle" = "kalle ab"). */
export function samePayer(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const words = (name: string) =>
    name
      .toLowerCase()
      .normalize('NFC')
      .replace(/[^\p{L}\p{N} ]/gu, ' ')
      .split(/\s+/)
      .filter((w) => w && !['ab', 'hb', 'kb', 'aktiebolag', 'handelsbolag'].includes(w))
      .sort()
      .join(' ');
  const left = words(a);
  return left !== '' && left === words(b);
}

const distinct = (candidates: readonly (MatchCandidate | undefined)[]): MatchCandidate[] => {
  const seen = new Map<string, MatchCandidate>();
  for (const c of candidates) if (c && !seen.has(c.invoiceNumber)) seen.set(c.invoiceNumber, c);
  return [...seen.values()];
};

const whole = (candidate: MatchCandidate): Allocation => ({ invoiceNumber: candidate.invoiceNumber, amountOre: candidate.remainingClaimOre });

/**
 * Places a payment on invoices the payer named (by OCR or number):
 * - one invoice: the payment settles it or pays part of it; more than it owes waits for a person;
 * - several: the one whose remaining claim is exactly the amount, else all of them when the amount is
 *   exactly what they owe together (one payment for several invoices); otherwise a person decides.
 */
function placeOnNamed(named: MatchCandidate[], amountOre: number, method: MatchMethod): MatchDecision | undefined {
  if (named.length === 0) return undefined;
  const open = named.filter((c) => c.remainingClaimOre > 0);
  if (open.length === 0) return { kind: 'queued', reason: 'nothing_to_claim', suggestion: named[0].invoiceNumber };
  if (open.length === 1) {
    const [only] = open;
    if (amountOre > only.remainingClaimOre) return { kind: 'queued', reason: 'overpayment', suggestion: only.invoiceNumber };
    return { kind: 'invoices', method, allocations: [{ invoiceNumber: only.invoiceNumber, amountOre }] };
  }
  const exact = open.filter((c) => c.remainingClaimOre === amountOre);
  if (exact.length === 1) return { kind: 'invoices', method, allocations: [whole(exact[0])] };
  const together = open.reduce((sum, c) => sum + c.remainingClaimOre, 0);
  if (together === amountOre) return { kind: 'invoices', method, allocations: open.map(whole) };
  if (amountOre > together) return { kind: 'queued', reason: 'overpayment', suggestion: open[0].invoiceNumber };
  return { kind: 'queued', reason: 'ambiguous', suggestion: open[0].invoiceNumber };
}

export function matchIncomingPayment(payment: IncomingPaymentFacts, lookup: MatchLookup): MatchDecision {
  if (payment.reversal) return { kind: 'queued', reason: 'reversal' };
  if (payment.currency && payment.currency !== 'SEK') return { kind: 'queued', reason: 'not_sek' };
  const { amountOre } = payment;
  const keys = lookupKeys(payment);

  // An OCR number is exact: the payer's bank checked it against the company's agreement.
  const byOcr = placeOnNamed(distinct(keys.ocrs.map((ocr) => lookup.byOcr(ocr))), amountOre, 'ocr');
  if (byOcr) return byOcr;

  // The partner's payout carries its own reference; it must arrive exactly once and in full.
  for (const reference of keys.payoutReferences) {
    const payout = lookup.payoutByReference(reference);
    if (!payout) continue;
    if (payout.settledBy !== null && payout.settledBy !== payment.bankReference) return { kind: 'queued', reason: 'payout_mismatch', suggestion: payout.payoutId };
    if (payout.amountOre !== amountOre) return { kind: 'queued', reason: 'payout_mismatch', suggestion: payout.payoutId };
    return { kind: 'payout', payoutId: payout.payoutId };
  }

  // A stated invoice number counts only when the amount fits what is owed (text is easily mistyped); any
  // other digit group in the text (a customer number, a year) only when it owes exactly the amount.
  const stated = distinct(invoiceNumberReferences(payment, 'stated').map((n) => lookup.byInvoiceNumber(n)));
  let byNumber = placeOnNamed(stated, amountOre, 'invoice_number');
  if (byNumber?.kind === 'queued' && byNumber.reason === 'ambiguous') {
    const fitting = stated.filter((c) => c.remainingClaimOre >= amountOre);
    if (fitting.length === 1) byNumber = { kind: 'invoices', method: 'invoice_number', allocations: [{ invoiceNumber: fitting[0].invoiceNumber, amountOre }] };
  }
  if (byNumber?.kind === 'invoices') return byNumber;
  const guessed = distinct(keys.invoiceNumbers.map((n) => lookup.byInvoiceNumber(n))).filter((c) => c.remainingClaimOre === amountOre);
  if (guessed.length === 1) return { kind: 'invoices', method: 'invoice_number', allocations: [whole(guessed[0])] };

  const sameAmount = lookup.byRemainingAmount(amountOre).filter((c) => samePayer(payment.payerName, c.customerName));
  if (sameAmount.length === 1) return { kind: 'invoices', method: 'amount_and_payer', allocations: [whole(sameAmount[0])] };
  if (sameAmount.length > 1) return { kind: 'queued', reason: 'ambiguous', suggestion: sameAmount[0].invoiceNumber };
  return byNumber ?? { kind: 'queued', reason: 'no_match' };
}
