/**
 * Luhn (mod 10) check digits: Swedish organisationsnummer and personnummer carry one over their last
 * ten digits, and the partner's OCR and payout references end with one.
 */
import { randomBytes } from 'node:crypto';

/** The check digit that makes `digits` + it pass the Luhn test. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  // Doubling starts at the rightmost digit of the payload (it sits next to the check digit).
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function passesLuhn(digits: string): boolean {
  return /^\d{2,}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === Number(digits[digits.length - 1]);
}

/**
 * A Swedish organisationsnummer, `NNNNNN-NNNN` (the hyphen may be left out), normalised to the hyphenated
 * form, or `undefined` when the format or the check digit is wrong. Sole traders use their personnummer,
 * so only the check digit is checked, not the "third digit ≥ 2" of legal persons.
 */
export function normaliseOrganisationNumber(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{6})-?(\d{4})$/.exec(value.trim());
  if (!m || !passesLuhn(m[1] + m[2])) return undefined;
  return `${m[1]}-${m[2]}`;
}

/**
 * Whether the debtor has a Swedish identity number Kronofogden can act on: a personnummer or
 * samordningsnummer (10 or 12 digits, optional `-`/`+`) or an organisationsnummer, with a valid check digit.
 */
export function isSwedishIdentityNumber(value: string): boolean {
  const m = /^(\d{2})?(\d{6})[-+]?(\d{4})$/.exec(value.trim());
  return m !== null && passesLuhn(m[2] + m[3]);
}

/** A new OCR reference: a running number, at least six digits, and its Luhn digit. */
export function ocrFor(sequence: number): string {
  const base = String(100000 + sequence);
  return base + luhnCheckDigit(base);
}

/**
 * A new payout reference: a running number from 10 digits up and its Luhn digit. Longer than any OCR
 * number the sandbox hands out, so a bank transfer's reference can never name a case as well.
 */
export function payoutReferenceFor(sequence: number): string {
  const base = String(1_000_000_000 + sequence);
  return base + luhnCheckDigit(base);
}

/** Resource ids in the partner's style (`c_…` for cases, `p_…` for payments). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}
