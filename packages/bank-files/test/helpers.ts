import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseOcr } from '@pm/domain';
import { type IncomingPayment, type ParseIssue, type ParseResult } from '../src';
import { isIsoDate } from '../src/text';

/** The third-party samples beside the project checkout (absent in a fresh clone). BANK_FILES_SAMPLES_DIR overrides. */
export const SAMPLES_DIR = path.resolve(process.env.BANK_FILES_SAMPLES_DIR ?? path.resolve(__dirname, '../../../../shared/samples'));
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

/** Upper bound for a 1-based line number in `input`: LF, CR, NEL and LS all may start a line (XML 1.1). */
export function maxLine(input: Uint8Array | string): number {
  let n = 1;
  if (typeof input === 'string') {
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028) n++;
    }
    return n;
  }
  // Bytes: count LF, CR, 0x85 (NEL in latin-1 and the 2nd byte of UTF-8 C2 85) and UTF-8 E2 80 A8 (LS).
  for (let i = 0; i < input.length; i++) {
    const b = input[i];
    if (b === 0x0a || b === 0x0d || b === 0x85) n++;
    else if (b === 0xe2 && input[i + 1] === 0x80 && input[i + 2] === 0xa8) n++;
  }
  return n;
}

/** Reference kinds in their documented order: OCR numbers first, then invoice-number candidates, then free text. */
const KIND_RANK: Record<string, number> = { ocr: 0, invoice_number: 1, free_text: 2 };
const isPositiveInt = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 1;
const issueText = (e: unknown): string => JSON.stringify(e).slice(0, 300);

/**
 * Invariants every result must hold, success or failure. Returns a problem description or undefined.
 * - failure: at least one error; every error has a positive integer line (within the input when it is given),
 *   a non-empty message and, for camt.054, a non-empty XML path;
 * - success: the same for every warning, and every payment is valid (see paymentProblem); bank references are
 *   unique within the file.
 */
export function resultProblem(r: ParseResult, input?: Uint8Array | string): string | undefined {
  const limit = input === undefined ? Infinity : maxLine(input);
  const camt = r.format === 'camt.054';
  const issueProblem = (e: ParseIssue, what: string): string | undefined => {
    if (!isPositiveInt(e.line)) return `${what} without a positive integer line ${issueText(e)}`;
    if (e.line > limit) return `${what} on line ${e.line}, but the input has at most ${limit} lines ${issueText(e)}`;
    if (e.column !== undefined && !(Number.isInteger(e.column) && e.column >= 0)) return `${what} with a bad column ${issueText(e)}`;
    if (typeof e.message !== 'string' || e.message.trim() === '') return `${what} without a message ${issueText(e)}`;
    if (camt && !(typeof e.path === 'string' && e.path.startsWith('/'))) return `${what} without an XML path ${issueText(e)}`;
    return undefined;
  };
  if (!r.ok) {
    if (!Array.isArray(r.errors) || r.errors.length === 0) return 'failure without errors';
    for (const e of r.errors) {
      const bad = issueProblem(e, 'error');
      if (bad) return bad;
    }
    if ('payments' in r) return 'failure that carries payments';
    return undefined;
  }
  for (const w of r.warnings) {
    const bad = issueProblem(w, 'warning');
    if (bad) return bad;
  }
  const refs = new Set<string>();
  for (const p of r.payments) {
    const bad = paymentProblem(p, r.format, limit);
    if (bad) return `${bad} in payment ${issueText(p)}`;
    if (refs.has(p.bankReference)) return `bank reference "${p.bankReference}" used twice`;
    refs.add(p.bankReference);
  }
  if (typeof r.account !== 'object' || r.account === null) return 'success without an account object';
  return undefined;
}

function paymentProblem(p: IncomingPayment, format: string, limit: number): string | undefined {
  if (!Number.isSafeInteger(p.amountOre) || p.amountOre <= 0) return `bad amount ${p.amountOre}`;
  if (typeof p.bookingDate !== 'string' || !isIsoDate(p.bookingDate)) return `bad booking date ${p.bookingDate}`;
  if (p.valueDate !== undefined && !isIsoDate(p.valueDate)) return `bad value date ${p.valueDate}`;
  if (typeof p.bankReference !== 'string' || p.bankReference.trim() === '') return 'empty bank reference';
  if (!/^[A-Z]{3}$/.test(p.currency)) return `bad currency ${p.currency}`;
  if (typeof p.reversal !== 'boolean') return 'reversal is not a boolean';
  if (p.source.format !== format) return `source format ${p.source.format} in a ${format} result`;
  if (!isPositiveInt(p.source.line) || p.source.line > limit) return 'unlocated payment';
  if (format === 'bgmax' ? p.source.location !== `line ${p.source.line}` : !/^\/Document(?:\[\d+\])?\/./.test(p.source.location)) return `bad source location "${p.source.location}"`;
  if (typeof p.account !== 'object' || typeof p.payer !== 'object') return 'missing account or payer';
  const seen = new Set<string>();
  let rank = 0;
  for (const ref of p.references) {
    if (!Object.hasOwn(KIND_RANK, ref.kind)) return `unknown reference kind ${ref.kind}`;
    if (KIND_RANK[ref.kind] < rank) return `references out of order (${ref.kind} after a later kind)`;
    rank = KIND_RANK[ref.kind];
    if (typeof ref.value !== 'string' || ref.value.trim() === '') return `empty ${ref.kind} reference`;
    if (ref.kind === 'ocr' && !parseOcr(ref.value).ok) return `OCR reference "${ref.value}" is not a valid OCR number`;
    const key = `${ref.kind}:${ref.value}`;
    if (seen.has(key)) return `duplicate reference ${key}`;
    seen.add(key);
  }
  return undefined;
}
