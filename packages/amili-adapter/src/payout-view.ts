/**
 * The partner's payout in our vocabulary: one bank transfer of the capital and interest it collected
 * (the fees are the partner's), split per debtor payment so each part can be booked on its own account.
 */
import { type LocalDate } from '@pm/domain';
import { rfc1123ToLocalDate, sekToOre } from './money-and-dates';
import { type WirePayout } from './wire';

export interface PartnerPayoutItem {
  partnerCaseId: string;
  invoiceNumber: string;
  /** The debtor payment (in the case's `payments`) this part of the transfer comes from. */
  partnerPaymentId: string;
  capitalOre: number;
  interestOre: number;
}

export interface PartnerPayout {
  partnerPayoutId: string;
  creditorId: string;
  payoutDate: LocalDate;
  /** The whole transfer: the sum of the items' capital and interest (checked by the wire schema). */
  amountOre: number;
  /** The numeric reference on the bank transfer. */
  reference: string;
  items: PartnerPayoutItem[];
}

/** Maps a validated wire payout. */
export function toPartnerPayout(wire: WirePayout): PartnerPayout {
  return {
    partnerPayoutId: wire._id,
    creditorId: wire.creditor,
    payoutDate: rfc1123ToLocalDate(wire.payout_date),
    amountOre: sekToOre(wire.amount),
    reference: wire.reference,
    items: wire.items.map((item) => ({
      partnerCaseId: item.case,
      invoiceNumber: item.invoice_number,
      partnerPaymentId: item.payment,
      capitalOre: sekToOre(item.capital),
      interestOre: sekToOre(item.interest),
    })),
  };
}
