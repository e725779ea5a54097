/**
 * Money is integer öre inside the sandbox; the wire speaks decimal SEK numbers with at most two
 * decimals. These two functions are the only place the two meet.
 */

/** Larger amounts are certainly a mistake, and keep every sum far inside the safe integer range. */
const MAX_ORE = 1_000_000_000_000; // 10 000 000 000 kr

/** A decimal SEK number → öre, or `undefined` when it is not a finite amount with at most two decimals. */
export function sekToOre(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  // toFixed(2) round-trips exactly for every double that is a two-decimal amount, and for no other.
  if (Number(value.toFixed(2)) !== value) return undefined;
  const ore = Math.round(value * 100);
  return Math.abs(ore) <= MAX_ORE ? ore : undefined;
}

/** öre → decimal SEK: the nearest double to the two-decimal amount, which JSON prints exactly. */
export function oreToSek(ore: number): number {
  if (!Number.isSafeInteger(ore)) throw new RangeError(`Not an amount in öre: ${ore}`);
  return ore / 100;
}

/** "1 250,50 kr" for the portal (Swedish grouping with a no-break space). */
export function formatSek(ore: number): string {
  const negative = ore < 0;
  const abs = Math.abs(ore);
  const kronor = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  const ore2 = (abs % 100).toString().padStart(2, '0');
  return `${negative ? '−' : ''}${kronor},${ore2}\u00a0kr`;
}
