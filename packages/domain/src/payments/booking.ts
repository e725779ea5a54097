/**
 * Booking incoming payments (domain.md §7, BAS chart of accounts): debit 1930 bank, credit 1510
 * accounts receivable per invoice; an overpayment a person accepted is the customer's money until it
 * is refunded or offset, on 2420; interest in the partner's payouts on 8313. A shortfall needs no
 * line: it stays open on 1510 (and in the reminder case). Entries are balanced by construction and
 * refused otherwise. Amounts in öre: debit positive, credit negative (as in SIE #TRANS).
 */
import { refuse } from '../shared/errors';
import { type Allocation } from './matching';

export const ACCOUNTS = {
  bank: '1930',
  receivables: '1510',
  customerAdvances: '2420',
  interestReceived: '8313',
} as const;

export const ACCOUNT_NAMES: Readonly<Record<string, string>> = {
  '1930': 'Företagskonto / checkkonto / affärskonto',
  '1510': 'Kundfordringar',
  '2420': 'Förskott från kunder',
  '8313': 'Ränteintäkter från kundfordringar',
};

export interface JournalLine {
  account: string;
  amountOre: number;
  /** Row text (SIE transtext), e.g. the invoice a receivables line settles. */
  text?: string;
}

export interface JournalEntry {
  date: string;
  text: string;
  lines: JournalLine[];
}

export function balancedEntry(entry: JournalEntry): JournalEntry {
  if (entry.lines.length < 2) throw refuse.invalid('BOOKING.TOO_FEW_LINES', 'An entry needs at least two lines.');
  for (const line of entry.lines)
    if (!Number.isSafeInteger(line.amountOre) || line.amountOre === 0)
      throw refuse.invalid('BOOKING.INVALID_AMOUNT', `Line ${line.account} must be a non-zero whole number of öre.`);
  const sum = entry.lines.reduce((total, line) => total + line.amountOre, 0);
  if (sum !== 0) throw refuse.rule('BOOKING.UNBALANCED', `The entry does not balance: debit and credit differ by ${sum} öre.`);
  return entry;
}

const invoiceText = (invoiceNumbers: string[]) => (invoiceNumbers.length === 1 ? `faktura ${invoiceNumbers[0]}` : `fakturor ${invoiceNumbers.join(', ')}`);

/** A customer's payment into the bank, settling (parts of) invoices, with an accepted overpayment. */
export function customerPaymentEntry(args: { date: string; allocations: readonly Allocation[]; overpaymentOre?: number; payer?: string }): JournalEntry {
  const overpayment = args.overpaymentOre ?? 0;
  const total = args.allocations.reduce((sum, a) => sum + a.amountOre, 0) + overpayment;
  const lines: JournalLine[] = [
    { account: ACCOUNTS.bank, amountOre: total },
    ...args.allocations.map((a) => ({ account: ACCOUNTS.receivables, amountOre: -a.amountOre, text: `Faktura ${a.invoiceNumber}` })),
  ];
  if (overpayment > 0) lines.push({ account: ACCOUNTS.customerAdvances, amountOre: -overpayment, text: 'Överbetalning att återbetala eller kvitta' });
  const what = invoiceText(args.allocations.map((a) => a.invoiceNumber));
  return balancedEntry({ date: args.date, text: `Inbetalning ${what}${args.payer ? `, ${args.payer}` : ''}`, lines });
}

/** The collection partner's payout: the capital it collected settles receivables, the interest is income. */
export function partnerPayoutEntry(args: {
  date: string;
  reference: string;
  items: ReadonlyArray<{ invoiceNumber: string; capitalOre: number; interestOre: number }>;
}): JournalEntry {
  const capitalByInvoice = new Map<string, number>();
  let interest = 0;
  for (const item of args.items) {
    capitalByInvoice.set(item.invoiceNumber, (capitalByInvoice.get(item.invoiceNumber) ?? 0) + item.capitalOre);
    interest += item.interestOre;
  }
  const capitalLines = [...capitalByInvoice].filter(([, ore]) => ore !== 0).map(([invoiceNumber, ore]) => ({ account: ACCOUNTS.receivables, amountOre: -ore, text: `Faktura ${invoiceNumber}` }));
  const total = [...capitalByInvoice.values()].reduce((sum, ore) => sum + ore, 0) + interest;
  const lines: JournalLine[] = [{ account: ACCOUNTS.bank, amountOre: total }, ...capitalLines];
  if (interest !== 0) lines.push({ account: ACCOUNTS.interestReceived, amountOre: -interest, text: 'Dröjsmålsränta via inkassopartner' });
  return balancedEntry({ date: args.date, text: `Utbetalning från inkassopartner, ref ${args.reference}`, lines });
}
