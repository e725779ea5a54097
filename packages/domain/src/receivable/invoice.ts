/**
 * The invoice as received from the invoicing program, and the amounts derived from it.
 * The customer's share is what reminder handling may claim: total − tax reduction (ROT/RUT/green
 * technology, which the company requests from Skatteverket) − payments already made.
 */
import { refuse } from '../shared/errors';
import { parseOcr, parsePersonnummer } from '../rules/identity-numbers';
import { type PostalAddress } from '../company/company';

export type TaxReductionType = 'ROT' | 'RUT' | 'GREEN_TECH';
export const TAX_REDUCTION_TYPES: readonly TaxReductionType[] = ['ROT', 'RUT', 'GREEN_TECH'];

export interface TaxReduction {
  type: TaxReductionType;
  amountOre: number;
  /** The buyers sharing the reduction (personnummer and each one's part), when the program sends them. */
  buyers?: { identityNumber: string; amountOre: number }[];
}

export interface Customer {
  name: string;
  /** Personnummer or organisationsnummer as given by the invoicing program. */
  identityNumber: string;
  isCompany: boolean;
  email?: string;
  address: PostalAddress;
}

export interface InvoiceDetails {
  invoiceNumber: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  totalOre: number;
  vatOre: number;
  ocr?: string;
  customer: Customer;
  taxReduction?: TaxReduction;
}

export function customerShareOre(invoice: InvoiceDetails): number {
  return invoice.totalOre - (invoice.taxReduction?.amountOre ?? 0);
}

const isWholeOre = (n: number) => Number.isSafeInteger(n) && n >= 0;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Checks an invoice as it arrives; throws a refusal naming the first problem. */
export function validateInvoice(invoice: InvoiceDetails): InvoiceDetails {
  if (!invoice.invoiceNumber.trim()) throw refuse.invalid('INVOICE.NUMBER_REQUIRED', 'The invoice needs a number.');
  for (const field of ['invoiceDate', 'dueDate'] as const)
    if (!isIsoDate(invoice[field]))
      throw refuse.invalid('INVOICE.INVALID_DATE', `${field} must be a real date written YYYY-MM-DD.`, { field });
  if (invoice.dueDate < invoice.invoiceDate)
    throw refuse.rule('INVOICE.DUE_BEFORE_INVOICE_DATE', 'The due date cannot be before the invoice date.');
  if (!/^[A-Z]{3}$/.test(invoice.currency))
    throw refuse.invalid('INVOICE.INVALID_CURRENCY', 'The currency must be a three-letter ISO 4217 code, such as SEK.');
  if (!isWholeOre(invoice.totalOre) || !isWholeOre(invoice.vatOre))
    throw refuse.invalid('INVOICE.INVALID_AMOUNT', 'Amounts must be whole, non-negative numbers of öre.');
  if (invoice.vatOre > invoice.totalOre)
    throw refuse.rule('INVOICE.VAT_EXCEEDS_TOTAL', 'The VAT cannot be larger than the invoice total.');
  if (invoice.ocr !== undefined) {
    const ocr = parseOcr(invoice.ocr);
    if (!ocr.ok) throw refuse.rule('INVOICE.INVALID_OCR', `The OCR reference is not valid: ${ocr.reason}`);
  }
  const reduction = invoice.taxReduction;
  if (reduction) {
    if (!TAX_REDUCTION_TYPES.includes(reduction.type))
      throw refuse.invalid('INVOICE.INVALID_TAX_REDUCTION', 'The tax reduction type must be ROT, RUT or GREEN_TECH.');
    if (!isWholeOre(reduction.amountOre) || reduction.amountOre === 0 || reduction.amountOre > invoice.totalOre)
      throw refuse.rule(
        'INVOICE.INVALID_TAX_REDUCTION',
        'The tax reduction must be a positive amount no larger than the invoice total.',
      );
    if (reduction.buyers?.length) {
      for (const buyer of reduction.buyers) {
        const id = parsePersonnummer(buyer.identityNumber);
        if (!id.ok) throw refuse.rule('INVOICE.INVALID_TAX_REDUCTION', `A buyer's personnummer is not valid: ${id.reason}`);
      }
      const sum = reduction.buyers.reduce((total, buyer) => total + buyer.amountOre, 0);
      if (sum !== reduction.amountOre)
        throw refuse.rule('INVOICE.INVALID_TAX_REDUCTION', "The buyers' parts must add up to the tax reduction amount.");
    }
  }
  return invoice;
}

/** Field names whose values differ, for the audit trail of an update. */
export function changedFields(before: InvoiceDetails, after: InvoiceDetails): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof InvoiceDetails>;
  return [...keys].filter((key) => !deepEqual(before[key], after[key])).sort();
}

/** Structural equality that ignores key order (stored JSON may come back with keys reordered). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    keysA.length === keysB.length &&
    keysA.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
