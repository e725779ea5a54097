/**
 * Matching an incoming bank payment to an invoice (domain.md §7): exact OCR first, then an invoice
 * number found in the payment's text with an amount check, then amount and payer. Whatever is not
 * certain goes to a queue for a person: unknown payments, overpayments, ambiguous candidates, reversals.
 * The policy is pure: the caller supplies the lookups over its own read model.
 */
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

export interface MatchLookup {
  byOcr(ocr: string): MatchCandidate | undefined;
  byInvoiceNumber(invoiceNumber: string): MatchCandidate | undefined;
  /** Invoices whose remaining claim is exactly this amount. */
  byRemainingAmount(amountOre: number): readonly MatchCandidate[];
}

export type MatchMethod = 'ocr' | 'invoice_number' | 'amount_and_payer' | 'manual';
export type QueueReason = 'no_match' | 'overpayment' | 'ambiguous' | 'reversal' | 'nothing_to_claim' | 'not_sek';

export type MatchDecision =
  | { kind: 'matched'; invoiceNumber: string; method: MatchMethod; amountOre: number; partial: boolean }
  | { kind: 'queued'; reason: QueueReason; suggestion?: string };

/** Candidate invoice numbers in free text: "Faktura 1001", "fakt nr 2026-17", "F1001" or a lone number. */
export function invoiceNumbersIn(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/(?:fakt(?:ura)?\.?\s*(?:nr\.?|nummer)?\s*|f\s?)?([0-9][0-9-]{1,24}[0-9]|[0-9]{2,25})/gi)) found.add(match[1]);
  return [...found];
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

function onCandidate(candidate: MatchCandidate, method: MatchMethod, amountOre: number): MatchDecision {
  if (candidate.remainingClaimOre <= 0) return { kind: 'queued', reason: 'nothing_to_claim', suggestion: candidate.invoiceNumber };
  if (amountOre > candidate.remainingClaimOre) return { kind: 'queued', reason: 'overpayment', suggestion: candidate.invoiceNumber };
  return { kind: 'matched', invoiceNumber: candidate.invoiceNumber, method, amountOre, partial: amountOre < candidate.remainingClaimOre };
}

export function matchIncomingPayment(payment: IncomingPaymentFacts, lookup: MatchLookup): MatchDecision {
  if (payment.reversal) return { kind: 'queued', reason: 'reversal' };
  if (payment.currency && payment.currency !== 'SEK') return { kind: 'queued', reason: 'not_sek' };
  const { amountOre } = payment;
  for (const reference of payment.references)
    if (reference.kind === 'ocr') {
      const candidate = lookup.byOcr(reference.value.replace(/\s/g, ''));
      if (candidate) return onCandidate(candidate, 'ocr', amountOre);
    }
  // An invoice number in the text counts only when the amount fits what is owed: text is easily mistyped.
  const numbers = payment.references.flatMap((r) => (r.kind === 'invoice_number' ? [r.value] : r.kind === 'free_text' ? invoiceNumbersIn(r.value) : []));
  for (const number of numbers) {
    const candidate = lookup.byInvoiceNumber(number);
    if (candidate && candidate.remainingClaimOre > 0 && amountOre <= candidate.remainingClaimOre) return onCandidate(candidate, 'invoice_number', amountOre);
  }
  const sameAmount = lookup.byRemainingAmount(amountOre).filter((c) => samePayer(payment.payerName, c.customerName));
  if (sameAmount.length === 1) return onCandidate(sameAmount[0], 'amount_and_payer', amountOre);
  if (sameAmount.length > 1) return { kind: 'queued', reason: 'ambiguous' };
  const suggestion = numbers.map((n) => lookup.byInvoiceNumber(n)).find(Boolean)?.invoiceNumber;
  return { kind: 'queued', reason: suggestion ? 'overpayment' : 'no_match', ...(suggestion ? { suggestion } : {}) };
}
