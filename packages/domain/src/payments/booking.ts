/**
 * Booking a customer payment (domain.md §7, BAS chart of accounts): debit 1930 bank, credit 1510
 * accounts receivable; interest received from the partner's payouts on 8313. Entries are balanced by
 * construction and refused otherwise. Amounts in öre: debit positive, credit negative (as in SIE #TRANS).
 */
import { refuse } from '../shared/errors';

export const ACCOUNTS = {
  bank: '1930',
  receivables: '1510',
  interestReceived: '8313',
} as const;

export const ACCOUNT_NAMES: Readonly<Record<string, string>> = {
  '1930': 'Företagskonto / checkkonto / affärskonto',
  '1510': 'Kundfordringar',
  '8313': 'Ränteintäkter från kundfordringar',
};

export interface JournalLine {
  account: string;
  amountOre: number;
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

/** A customer's payment into the bank, settling (part of) an invoice, with any interest the partner collected. */
export function customerPaymentEntry(args: { date: string; invoiceNumber: string; capitalOre: number; interestOre?: number; payer?: string }): JournalEntry {
  const interest = args.interestOre ?? 0;
  const lines: JournalLine[] = [
    { account: ACCOUNTS.bank, amountOre: args.capitalOre + interest },
    { account: ACCOUNTS.receivables, amountOre: -args.capitalOre },
  ];
  if (interest > 0) lines.push({ account: ACCOUNTS.interestReceived, amountOre: -interest });
  return balancedEntry({ date: args.date, text: `Inbetalning faktura ${args.invoiceNumber}${args.payer ? `, ${args.payer}` : ''}`, lines });
}
