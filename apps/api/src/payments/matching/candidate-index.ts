import { type Allocation, type MatchCandidate, type MatchLookup, type PayoutCandidate } from '@pm/domain';
import { type InvoiceCandidate } from '../../receivables';

/**
 * The candidates of one import, served to the domain's matching policy from memory. It follows the
 * import's own decisions: once a payment settles part of an invoice, the next payment in the same file
 * sees what is left (two payments of the same invoice in one file do not both look like a full one).
 */
export class CandidateIndex implements MatchLookup {
  private readonly invoices = new Map<string, MatchCandidate>();
  private readonly ocrs = new Map<string, string>();
  private readonly byAmount = new Map<number, Set<string>>();
  private readonly payouts = new Map<string, PayoutCandidate>();

  constructor(invoices: readonly InvoiceCandidate[], payouts: readonly PayoutCandidate[]) {
    for (const { ocr, ...candidate } of invoices) {
      this.invoices.set(candidate.invoiceNumber, candidate);
      if (ocr) this.ocrs.set(ocr, candidate.invoiceNumber);
      this.index(candidate);
    }
    for (const payout of payouts) this.payouts.set(payout.reference, payout);
  }

  byOcr(ocr: string): MatchCandidate | undefined {
    const invoiceNumber = this.ocrs.get(ocr);
    return invoiceNumber === undefined ? undefined : this.invoices.get(invoiceNumber);
  }

  byInvoiceNumber(invoiceNumber: string): MatchCandidate | undefined {
    return this.invoices.get(invoiceNumber);
  }

  byRemainingAmount(amountOre: number): readonly MatchCandidate[] {
    return [...(this.byAmount.get(amountOre) ?? [])].map((n) => this.invoices.get(n)!);
  }

  payoutByReference(reference: string): PayoutCandidate | undefined {
    return this.payouts.get(reference);
  }

  /** The invoice's stream knows best: take its remaining claim after a decision (or a refusal). */
  claimIs(invoiceNumber: string, remainingClaimOre: number): void {
    const candidate = this.invoices.get(invoiceNumber);
    if (!candidate) return;
    this.byAmount.get(candidate.remainingClaimOre)?.delete(invoiceNumber);
    candidate.remainingClaimOre = remainingClaimOre;
    this.index(candidate);
  }

  settled(allocations: readonly Allocation[]): void {
    for (const a of allocations) {
      const candidate = this.invoices.get(a.invoiceNumber);
      if (candidate) this.claimIs(a.invoiceNumber, Math.max(0, candidate.remainingClaimOre - a.amountOre));
    }
  }

  payoutReceived(payoutId: string, bankReference: string): void {
    for (const payout of this.payouts.values()) if (payout.payoutId === payoutId) payout.settledBy = bankReference;
  }

  private index(candidate: MatchCandidate): void {
    const set = this.byAmount.get(candidate.remainingClaimOre) ?? new Set<string>();
    set.add(candidate.invoiceNumber);
    this.byAmount.set(candidate.remainingClaimOre, set);
  }
}
