// Swedish identity numbers and payment references. All of them end in a Luhn (modulus 10) digit.
// Reasons are short English sentences; the caller maps them to error codes.
import { isLocalDate, type LocalDate } from './calendar';

export type Parsed<T extends object = object> = ({ ok: true; value: string } & T) | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/**
 * Luhn / "10-modul": from the right, weights 1, 2, 1, 2 …, digits of each product summed; the
 * total must be divisible by 10. False for an empty string or anything that is not only digits.
 */
export function luhnCheck(digits: string): boolean {
  return /^\d+$/.test(digits) && luhnSum(digits, 1) % 10 === 0;
}

/** The Luhn check digit to append to `body` (digits only). */
export function luhnCheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new RangeError('Luhn body must be digits');
  return (10 - (luhnSum(body, 2) % 10)) % 10;
}

function luhnSum(digits: string, firstWeight: 1 | 2): number {
  let sum = 0;
  let weight = firstWeight;
  for (let i = digits.length - 1; i >= 0; i--) {
    const p = (digits.charCodeAt(i) - 48) * weight;
    sum += p > 9 ? p - 9 : p;
    weight = weight === 1 ? 2 : 1;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Organisationsnummer (Bolagsverket / Skatteverket): NNNNNN-NNNN. Digits 3–4 are ≥ 20 for legal
// persons, which is what keeps them apart from personnummer (months 01–12). Written with a '16'
// century prefix in some systems (e.g. Skatteverket's 12-digit form 16NNNNNNNNNN).

export function parseOrganisationNumber(input: string): Parsed {
  const m = /^(?:16)?(\d{6})-?(\d{4})$/.exec(input.trim());
  if (!m) return fail('An organisationsnummer has 10 digits, written NNNNNN-NNNN.');
  const digits = m[1] + m[2];
  if (Number(digits[2]) < 2) return fail('The third digit of an organisationsnummer must be 2 or more.');
  if (!luhnCheck(digits)) return fail('The check digit of the organisationsnummer is wrong.');
  return { ok: true, value: `${m[1]}-${m[2]}` };
}

// ---------------------------------------------------------------------------------------------
// Personnummer and samordningsnummer (folkbokföringslagen 1991:481, 18 §; samordningsnummer
// 18 a §: day of birth + 60). The 10-digit form's separator tells the age: '-' under 100 years,
// '+' from the year the person turns 100. The Luhn digit covers the 10-digit form YYMMDDNNNN.

export type ParsedPersonnummer = Parsed<{ samordningsnummer: boolean; birthDate: LocalDate }>;

/**
 * Accepts YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDD+NNNN and YYMMDDNNNN. Normalised to
 * 'YYYYMMDD-NNNN'. The 10-digit forms need `today` to infer the century (the latest century that
 * puts the birth date on or before `today`, one more back for '+'); without it they are refused.
 */
export function parsePersonnummer(input: string, today?: LocalDate): ParsedPersonnummer {
  const s = input.trim();
  const long = /^(\d{4})(\d{2})(\d{2})-?(\d{4})$/.exec(s);
  const short = long ? null : /^(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$/.exec(s);
  if (!long && !short) return fail('A personnummer is written YYYYMMDD-NNNN or YYMMDD-NNNN.');
  if (today !== undefined && !isLocalDate(today)) throw new RangeError(`today is not a date: ${today}`);

  const [mm, dd, last4] = long ? [long[2], long[3], long[4]] : [short![2], short![3], short![5]];
  const rawDay = Number(dd);
  const samordningsnummer = rawDay > 60;
  const birthDay = samordningsnummer ? rawDay - 60 : rawDay;
  const mmdd = `${mm}-${String(birthDay).padStart(2, '0')}`;

  let year: number;
  if (long) {
    year = Number(long[1]);
  } else {
    if (today === undefined) return fail('Write the personnummer with 12 digits, YYYYMMDD-NNNN.');
    const yy = Number(short![1]);
    const ty = Number(today.slice(0, 4));
    year = ty - ((ty - yy) % 100 + 100) % 100; // latest year ≤ today's year ending in yy
    if (`${year}-${mmdd}` > today) year -= 100; // birthday later this year: previous century
    if (short![4] === '+') year -= 100;
  }
  const yyyy = String(year).padStart(4, '0');
  const birthDate = `${yyyy}-${mmdd}`;
  if (!isLocalDate(birthDate)) return fail('The personnummer does not contain a valid date of birth.');
  if (today !== undefined && birthDate > today) return fail('The date of birth in the personnummer is in the future.');
  const ten = yyyy.slice(2) + mm + dd + last4;
  if (!luhnCheck(ten)) return fail('The check digit of the personnummer is wrong.');
  return { ok: true, value: `${yyyy}${mm}${dd}-${last4}`, samordningsnummer, birthDate };
}

// ---------------------------------------------------------------------------------------------

export type ParsedIdentityNumber = Parsed<{ kind: 'organisationsnummer' | 'personnummer' }>;

/**
 * A company is identified by organisationsnummer, or, as a sole trader (enskild näringsidkare),
 * by the owner's personnummer. A private person is identified by personnummer only.
 */
export function parseIdentityNumber(
  input: string,
  options: { isCompany: boolean; today: LocalDate },
): ParsedIdentityNumber {
  const org = parseOrganisationNumber(input);
  if (org.ok) {
    return options.isCompany
      ? { ok: true, value: org.value, kind: 'organisationsnummer' }
      : fail('A private person must be identified by personnummer, not organisationsnummer.');
  }
  const person = parsePersonnummer(input, options.today);
  if (person.ok) return { ok: true, value: person.value, kind: 'personnummer' };
  if (!options.isCompany) return person;
  // Neither: report the error of the kind the input looks like (digits 3–4 ≥ 20 → organisationsnummer).
  const digits = input.replace(/\D/g, '');
  const body = digits.length === 12 ? digits.slice(2) : digits;
  return body.length === 10 && Number(body[2]) >= 2 ? org : person;
}

// ---------------------------------------------------------------------------------------------
// Payment references (Bankgirot): OCR 2–25 digits ending in a Luhn digit, optionally with a
// length digit before it (= total length mod 10). See docs/formats.md §3.

export type ParsedOcr = Parsed<{
  /**
   * The second-to-last digit equals the total length mod 10. Whether the number was *meant* to
   * carry a length digit depends on the recipient's bank agreement, so this only says "consistent".
   */
  lengthDigitValid: boolean;
}>;

/** Whitespace is ignored (payers group digits); leading zeros are kept (fixed-length agreements). */
export function parseOcr(input: string): ParsedOcr {
  const digits = input.replace(/\s+/g, '');
  if (!/^\d+$/.test(digits)) return fail('An OCR number contains digits only.');
  if (digits.length < 2 || digits.length > 25) return fail('An OCR number has 2 to 25 digits.');
  if (!luhnCheck(digits)) return fail('The check digit of the OCR number is wrong.');
  return { ok: true, value: digits, lengthDigitValid: Number(digits[digits.length - 2]) === digits.length % 10 };
}

export type ParsedBankgiro = Parsed<{ /** 'NNN-NNNN' or 'NNNN-NNNN' */ formatted: string }>;

/** Bankgiro number: 7 or 8 digits, optionally written NNN-NNNN / NNNN-NNNN; `value` is digits only. */
export function parseBankgiro(input: string): ParsedBankgiro {
  const m = /^(\d{3,4})-?(\d{4})$/.exec(input.trim());
  if (!m) return fail('A bankgiro number has 7 or 8 digits, written NNN-NNNN or NNNN-NNNN.');
  const digits = m[1] + m[2];
  if (!luhnCheck(digits)) return fail('The check digit of the bankgiro number is wrong.');
  return { ok: true, value: digits, formatted: `${m[1]}-${m[2]}` };
}
