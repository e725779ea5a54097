import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type IncomingPayment, type ParseResult } from '../src';

/** The third-party samples beside the project checkout (absent in a fresh clone). */
export const SAMPLES_DIR = path.resolve(__dirname, '../../../../shared/samples');
export const HAVE_SAMPLES = existsSync(path.join(SAMPLES_DIR, 'bgmax')) && existsSync(path.join(SAMPLES_DIR, 'camt054'));
export const FIXTURES_DIR = path.resolve(__dirname, 'fixtures');

export function sampleFiles(kind: 'bgmax' | 'camt054'): Array<{ name: string; bytes: Buffer }> {
  if (!HAVE_SAMPLES) return [];
  const dir = path.join(SAMPLES_DIR, kind);
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(path.join(dir, name)) }));
}

export function fixture(kind: 'bgmax' | 'camt054', name: string): Buffer {
  return readFileSync(path.join(FIXTURES_DIR, kind, name));
}

export function fixtureFiles(kind: 'bgmax' | 'camt054'): Array<{ name: string; bytes: Buffer }> {
  const dir = path.join(FIXTURES_DIR, kind);
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(path.join(dir, name)) }));
}

/** Loud skip: call inside a describe; registers a visibly named test and warns once. */
export function warnSamplesMissing(what: string): void {
  console.warn(`[bank-files] SKIPPED ${what}: third-party samples not found at ${SAMPLES_DIR}`);
}

/** Seeded PRNG (mulberry32) so fuzz failures reproduce. */
export function prng(seed: number): { next: () => number; int: (n: number) => number; pick: <T>(xs: readonly T[]) => T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)] };
}

/** Invariants every result must hold, success or failure. Returns a problem description or undefined. */
export function resultProblem(r: ParseResult): string | undefined {
  if (r.ok) {
    for (const p of r.payments) {
      const bad = paymentProblem(p);
      if (bad) return bad;
    }
    return undefined;
  }
  if (r.errors.length === 0) return 'failure without errors';
  for (const e of r.errors) {
    if (!(Number.isInteger(e.line) && e.line >= 1) && !(typeof e.path === 'string' && e.path.length > 0)) return `unlocated error ${JSON.stringify(e)}`;
    if (typeof e.message !== 'string' || e.message === '') return `error without message ${JSON.stringify(e)}`;
  }
  return undefined;
}

function paymentProblem(p: IncomingPayment): string | undefined {
  if (!Number.isSafeInteger(p.amountOre) || p.amountOre <= 0) return `bad amount ${p.amountOre}`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(p.bookingDate)) return `bad booking date ${p.bookingDate}`;
  if (p.valueDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(p.valueDate)) return `bad value date ${p.valueDate}`;
  if (!p.bankReference) return 'empty bank reference';
  if (!/^[A-Z]{3}$/.test(p.currency)) return `bad currency ${p.currency}`;
  if (!(p.source.line >= 1) || !p.source.location) return 'unlocated payment';
  return undefined;
}
