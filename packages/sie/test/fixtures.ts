import { type SieDocument, type SieVoucher } from '../src';

/** BAS accounts used by the payment-booking tests (see README.md, "Accounts"). */
export const PAYMENT_ACCOUNTS = [
  { number: '1930', name: 'Företagskonto/checkkonto/affärskonto' },
  { number: '1510', name: 'Kundfordringar' },
  { number: '2420', name: 'Förskott från kunder' },
  { number: '3740', name: 'Öres- och kronutjämning' },
  { number: '8313', name: 'Ränteintäkter från kundfordringar' },
];

export function baseDocument(vouchers: SieVoucher[] = [], overrides: Partial<SieDocument> = {}): SieDocument {
  return {
    flag: 0,
    program: { name: 'Påminnelsehantering', version: '1.0' },
    format: 'PC8',
    generated: { date: '2025-01-15' },
    sieType: 4,
    company: { name: 'Övningsbolaget AB', organisationNumber: '555555-5555' },
    fiscalYears: [{ index: 0, start: '2025-01-01', end: '2025-12-31' }],
    currency: 'SEK',
    accounts: PAYMENT_ACCOUNTS.map((a) => ({ ...a })),
    vouchers,
    ...overrides,
  };
}

/** mulberry32: a tiny seeded PRNG, so the property-style tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Latin-1 text of a Buffer, handy for asserting on the ASCII parts of a cp437 file. */
export const ascii = (b: Buffer): string => b.toString('latin1');
