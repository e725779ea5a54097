/** Stream names: the one place that says which events live together. */
export const streams = {
  company: (companyId: string) => `company-${companyId}`,
  /** One stream per invoice: the invoice and its reminder cases (see receivable.ts for why). */
  receivable: (companyId: string, invoiceNumber: string) => `receivable-${companyId}-${encodeURIComponent(invoiceNumber)}`,
  /** One stream per bank transaction: its name is what makes a re-imported file book nothing twice. */
  bankPayment: (companyId: string, bankReference: string) => `bank-payment-${companyId}-${encodeURIComponent(bankReference)}`,
  /** One stream per payout of the collection partner: it arrives, and is booked, once. */
  partnerPayout: (companyId: string, payoutId: string) => `partner-payout-${companyId}-${encodeURIComponent(payoutId)}`,
};

/**
 * The first part of every stream name above: a store that shares its log with others (KurrentDB's `$all`)
 * reads exactly the streams that begin with one of these. A new kind of stream adds its prefix here.
 */
export const STREAM_PREFIXES = ['company-', 'receivable-', 'bank-payment-', 'partner-payout-'] as const;
