/**
 * Conversions between our units (whole öre, 'YYYY-MM-DD' Stockholm dates, ISO instants) and the
 * partner's (decimal SEK numbers, RFC 1123 strings).
 *
 * Money is converted by string manipulation only: multiplying a double by 100 turns 1.15 into
 * 114.99999999999999, and summing doubles accumulates such errors. Here a number is first written
 * in its shortest round-trip form (which JSON.parse guarantees to be the decimal the partner sent)
 * and the decimal point is moved on that text.
 */
import { isLocalDate, stockholmDate, type LocalDate } from '@pm/domain';

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

// ------------------------------------------------------------------------------------------- money

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Beyond this the text would describe amounts no invoice has; refusing also bounds the work done. */
const MAX_EXPONENT = 30;
/**
 * A double holds any decimal of at most 15 significant digits exactly enough to write it back the
 * same; beyond that a JSON number can silently turn into a neighbouring amount (90071992547409.91 is
 * read as 90071992547409.9). So amounts are limited to 15 digits of öre: just under 10^13 SEK.
 */
export const MAX_WIRE_ORE = 999_999_999_999_999;

/** Decimal SEK (a JSON number or a numeric string) to öre; refuses more than two decimals. */
export function trySekToOre(value: unknown): Result<number> {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: `${value} is not an amount` };
    text = String(value); // shortest round-trip form: 1250.5, 1e+21, 5e-7
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return { ok: false, reason: `expected a decimal SEK amount, got ${value === null ? 'null' : typeof value}` };
  }
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return { ok: false, reason: `${JSON.stringify(text)} is not a decimal number` };
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(exponent) > MAX_EXPONENT) return { ok: false, reason: `${text} is out of range` };

  // Move the decimal point by the exponent on the digit string.
  const digits = m[2] + (m[3] ?? '');
  const point = m[2].length + exponent;
  const padded = point < 0 ? '0'.repeat(-point) + digits : point > digits.length ? digits + '0'.repeat(point - digits.length) : digits;
  const at = Math.max(point, 0);
  const integerPart = padded.slice(0, at) || '0';
  const fraction = padded.slice(at).replace(/0+$/, '');
  if (fraction.length > 2) return { ok: false, reason: `${text} has more than two decimals` };

  const ore = BigInt(integerPart) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (ore > BigInt(MAX_WIRE_ORE)) return { ok: false, reason: `${text} is too large to be an exact amount` };
  const sign = m[1] === '-' && ore !== 0n ? -1 : 1;
  return { ok: true, value: sign * Number(ore) };
}

export class MoneyFormatError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyFormatError';
  }
}

export function sekToOre(value: unknown): number {
  const result = trySekToOre(value);
  if (!result.ok) throw new MoneyFormatError(`Not an amount of money: ${result.reason}.`);
  return result.value;
}

/** Öre as decimal SEK text with exactly two decimals: 125050 → '1250.50', -5 → '-0.05'. */
export function formatSek(ore: number): string {
  if (!Number.isSafeInteger(ore)) throw new MoneyFormatError(`An amount in öre must be a whole number, got ${ore}.`);
  const digits = String(Math.abs(ore)).padStart(3, '0');
  return `${ore < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * Öre as the JSON number the partner expects. The number is parsed from the two-decimal text, so
 * it is the double nearest to that decimal, and JSON.stringify writes that decimal back exactly.
 */
export function oreToSek(ore: number): number {
  if (Math.abs(ore) > MAX_WIRE_ORE) throw new MoneyFormatError(`${ore} öre is too large to be sent as an exact JSON number.`);
  return Number(formatSek(ore));
}

// ------------------------------------------------------------------------------------------- dates

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// RFC 1123 as Eve writes it ('Mon, 07 Jul 2025 00:00:00 GMT'); the weekday is optional in the grammar,
// and not checked against the date (it carries no information and a wrong one breaks nothing).
const RFC1123 = new RegExp(
  `^(?:(?:${DAYS.join('|')}), )?(\\d{1,2}) (${MONTHS.join('|')}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) (?:GMT|UTC|\\+0000)$`,
);

/** Milliseconds since the epoch of an RFC 1123 string, or undefined if it is not one (or not a real date). */
export function rfc1123ToEpochMs(value: string): number | undefined {
  const m = RFC1123.exec(value);
  if (!m) return undefined;
  const [day, month, year, hour, minute, second] = [Number(m[1]), MONTHS.indexOf(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, 0);
  // Date rolls 31 Feb over into March: a real date reads back the same.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month || date.getUTCDate() !== day) return undefined;
  return date.getTime();
}

export function isRfc1123(value: string): boolean {
  return rfc1123ToEpochMs(value) !== undefined;
}

function requireRfc1123(value: string): number {
  const ms = rfc1123ToEpochMs(value);
  if (ms === undefined) throw new RangeError(`Not an RFC 1123 date: ${JSON.stringify(value)}`);
  return ms;
}

/** 'Mon, 07 Jul 2025 13:45:00 GMT' → '2025-07-07T13:45:00.000Z'. */
export function rfc1123ToIso(value: string): string {
  return new Date(requireRfc1123(value)).toISOString();
}

/**
 * The Stockholm calendar date of an RFC 1123 instant. The partner writes dates without time at
 * 00:00:00 GMT, which is the same day in Stockholm (UTC+1/+2), so this serves both kinds of field.
 */
export function rfc1123ToLocalDate(value: string): LocalDate {
  return stockholmDate(new Date(requireRfc1123(value)));
}

/** '2026-10-01' → 'Thu, 01 Oct 2026 00:00:00 GMT' (the partner's form of a date without time). */
export function localDateToRfc1123(date: LocalDate): string {
  if (!isLocalDate(date)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return formatRfc1123(Date.parse(`${date}T00:00:00Z`));
}

/** An ISO instant with a zone → RFC 1123 (second resolution: milliseconds are dropped). */
export function isoToRfc1123(iso: string): string {
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) throw new RangeError(`Not an ISO instant with 'Z' or an offset: ${JSON.stringify(iso)}`);
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO instant: ${JSON.stringify(iso)}`);
  return formatRfc1123(ms);
}

export function formatRfc1123(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCFullYear()).padStart(4, '0')} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`
  );
}
