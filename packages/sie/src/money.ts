/**
 * Öre ⇄ SIE amount strings, by string manipulation only (no floating point anywhere).
 */

/** Formats integer öre as SIE kronor with two decimals: `125000` → `1250.00`, `-5` → `-0.05`. */
export function formatOre(amountOre: number): string {
  if (!Number.isSafeInteger(amountOre)) {
    throw new RangeError(`The amount ${String(amountOre)} is not a whole number of öre.`);
  }
  const negative = amountOre < 0;
  const digits = String(negative ? -amountOre : amountOre).padStart(3, '0');
  const kronor = digits.slice(0, -2);
  const ore = digits.slice(-2);
  return `${negative ? '-' : ''}${kronor}.${ore}`;
}

const AMOUNT = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses an SIE amount (`1250.00`, `-1000`, `12.5`) into integer öre, or returns `undefined`
 * when the text is not a valid SIE amount (plus sign, comma, more than two decimals, too large).
 */
export function parseAmountToOre(text: string): number | undefined {
  const match = AMOUNT.exec(text);
  if (!match) return undefined;
  const [, sign, kronor, decimals = ''] = match;
  const ore = BigInt(kronor) * 100n + BigInt(decimals.padEnd(2, '0'));
  const value = sign === '-' ? -ore : ore;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return undefined;
  const result = Number(value);
  return result === 0 ? 0 : result; // never -0
}
