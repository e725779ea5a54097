// Shared fuzz driver: seeded, replayable mutations of a corpus. Each input i is derived from (seed, i) alone, so a
// failure can be replayed on its own: BANK_FILES_FUZZ_SEED=<seed> BANK_FILES_FUZZ_INDEX=<i> npx jest test/fuzz-…
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseResult, detectFormat } from '../src';
import { prng, resultProblem } from './helpers';

export type Rng = ReturnType<typeof prng>;
export interface Seed {
  name: string;
  bytes: Buffer;
}
/** Mutations work on "binary strings": one char per byte (latin-1), so every byte survives exactly. */
export type Mutator = (input: string, rng: Rng, corpus: readonly Seed[]) => string;

export const toBin = (b: Buffer): string => b.toString('latin1');
export const fromBin = (s: string): Buffer => Buffer.from(s, 'latin1');
/** A Unicode string as the binary string of its UTF-8 bytes. */
export const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

export const randomDigits = (rng: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(10));
  return s;
};
const randomBytes = (rng: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(256));
  return s;
};
const randomAscii = (rng: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(32 + rng.int(95));
  return s;
};

/** Lines with their terminators ('…\r\n', '…\n', '…\r' or a last line without one). */
export const splitLines = (s: string): string[] => s.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
const eolOf = (line: string): string => /\r\n$|\r$|\n$/.exec(line)?.[0] ?? '';
const bodyOf = (line: string): string => line.slice(0, line.length - eolOf(line).length);
const onLines = (s: string, f: (lines: string[]) => void): string => {
  const lines = splitLines(s);
  if (lines.length === 0) return s;
  f(lines);
  return lines.join('');
};
/** Replaces the body of one line, keeping its line terminator. */
export const setBody = (lines: string[], i: number, body: string): void => {
  lines[i] = body + eolOf(lines[i]);
};
export const getBody = (lines: string[], i: number): string => bodyOf(lines[i]);

/** Damaged or unusual UTF-8 byte sequences (as binary strings). */
const BAD_UTF8 = [
  '\x80', // lone continuation byte
  '\xc3', // truncated 2-byte sequence
  '\xe2\x82', // truncated 3-byte sequence
  '\xc0\xae', // overlong '.'
  '\xe0\x80\xaf', // overlong '/'
  '\xed\xa0\x80', // UTF-16 surrogate
  '\xf4\x90\x80\x80', // above U+10FFFF
  '\xf8\x88\x80\x80\x80', // 5-byte form
  '\xff',
  '\xfe',
];
const TOKENS = [
  '\t',
  '\0',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\x1a', // DOS EOF
  '\x85', // NEL
  utf8('\u2028'),
  utf8('\uFEFF'),
  utf8('\uFFFD'),
  utf8('Å'),
  utf8('Ã¥'), // double-encoded å
  '\xe5\xe4\xf6', // åäö in latin-1
  utf8('😀'),
  '<',
  '>',
  '&',
  '"',
  "'",
  ']]>',
  '--',
];

/** Mutations that make sense for any text file: bytes, lines, line endings, encodings. */
export const commonMutators: Record<string, Mutator> = {
  byteFlip: (s, rng) => {
    if (s.length === 0) return s;
    const chars = s.split('');
    for (let k = 1 + rng.int(3); k > 0; k--) chars[rng.int(chars.length)] = String.fromCharCode(rng.int(256));
    return chars.join('');
  },
  bitFlip: (s, rng) => {
    if (s.length === 0) return s;
    const i = rng.int(s.length);
    return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << rng.int(8))) + s.slice(i + 1);
  },
  insertToken: (s, rng) => {
    const at = rng.int(s.length + 1);
    const token = rng.int(4) === 0 ? rng.pick([randomDigits(rng, 1 + rng.int(20)), randomAscii(rng, 1 + rng.int(20)), randomBytes(rng, 1 + rng.int(8)), ' '.repeat(rng.int(100))]) : rng.pick(TOKENS);
    return s.slice(0, at) + token + s.slice(at);
  },
  deleteRange: (s, rng) => {
    const at = rng.int(s.length + 1);
    return s.slice(0, at) + s.slice(at + 1 + rng.int(rng.int(2) ? 4 : 64));
  },
  duplicateRange: (s, rng) => {
    const a = rng.int(s.length + 1);
    const piece = s.slice(a, a + 1 + rng.int(64));
    const at = rng.int(2) ? a : rng.int(s.length + 1);
    return s.slice(0, at) + piece + s.slice(at);
  },
  truncate: (s, rng) => s.slice(0, rng.int(s.length + 1)),
  truncateAtLine: (s, rng) => onLines(s, (lines) => void lines.splice(1 + rng.int(lines.length))),
  deleteLine: (s, rng) => onLines(s, (lines) => void lines.splice(rng.int(lines.length), 1 + (rng.int(4) === 0 ? rng.int(4) : 0))),
  duplicateLine: (s, rng) =>
    onLines(s, (lines) => {
      const i = rng.int(lines.length);
      const copies = 1 + (rng.int(4) === 0 ? rng.int(3) : 0);
      const line = eolOf(lines[i]) ? lines[i] : `${lines[i]}\r\n`;
      lines.splice(i, 0, ...Array<string>(copies).fill(line));
    }),
  swapLines: (s, rng) =>
    onLines(s, (lines) => {
      const i = rng.int(lines.length);
      const j = rng.int(3) === 0 ? Math.min(lines.length - 1, i + 1) : rng.int(lines.length);
      const [bi, bj] = [bodyOf(lines[i]), bodyOf(lines[j])];
      setBody(lines, i, bj);
      setBody(lines, j, bi);
    }),
  moveLine: (s, rng) =>
    onLines(s, (lines) => {
      const [line] = lines.splice(rng.int(lines.length), 1);
      lines.splice(rng.int(lines.length + 1), 0, eolOf(line) ? line : `${line}\n`);
    }),
  crossover: (s, rng, corpus) => {
    const other = splitLines(toBin(rng.pick(corpus).bytes));
    const mine = splitLines(s);
    return [...mine.slice(0, rng.int(mine.length + 1)), ...other.slice(rng.int(other.length + 1))].join('');
  },
  lineEndings: (s, rng) => {
    switch (rng.int(6)) {
      case 0:
        return s.replace(/\r\n/g, '\n');
      case 1:
        return s.replace(/\r?\n/g, '\r\n');
      case 2:
        return s.replace(/\r?\n/g, '\r');
      case 3:
        return s.replace(/\r?\n/g, () => rng.pick(['\n', '\r\n', '\r', '\n\n', '\r\r\n']));
      case 4:
        return s.replace(/(?:\r\n|\r|\n)+$/, '');
      default:
        return s + rng.pick(['\r\n', '\n\n\n', '   \r\n', '\r\n\x1a']);
    }
  },
  trailingSpace: (s, rng) =>
    onLines(s, (lines) => {
      const i = rng.int(lines.length);
      const body = getBody(lines, i);
      setBody(lines, i, rng.int(2) ? body.replace(/ +$/, '') : body + ' '.repeat(1 + rng.int(40)) + (rng.int(3) === 0 ? randomAscii(rng, 3) : ''));
    }),
  latin1ToUtf8: (s) => utf8(s), // bytes read as latin-1 and written as UTF-8: double encoding of UTF-8 input
  utf8ToLatin1: (s) => Buffer.from(fromBin(s).toString('utf8'), 'latin1').toString('latin1'), // lossy for non-latin-1
  utf16: (s, rng) => {
    const le = Buffer.from(fromBin(s).toString('utf8'), 'utf16le');
    const bom = rng.pick(['\xff\xfe', '', '\xfe\xff']);
    return bom + toBin(rng.int(2) ? le : Buffer.from(le).swap16());
  },
  badUtf8: (s, rng) => {
    const at = rng.int(s.length + 1);
    return s.slice(0, at) + rng.pick(BAD_UTF8) + s.slice(at);
  },
  cutMultibyte: (s, rng) => {
    const positions: number[] = [];
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xc2 && s.charCodeAt(i) <= 0xf4) positions.push(i);
    if (positions.length === 0) return s;
    const i = rng.pick(positions);
    return s.slice(0, i + 1) + s.slice(i + 2); // drop the first continuation byte
  },
  bom: (s, rng) => rng.pick(['\xef\xbb\xbf', '\xef\xbb\xbf\xef\xbb\xbf', '\xef\xbb', ' ', '\r\n']) + s,
};

export interface FuzzCase {
  index: number;
  base: string;
  steps: string[];
  input: Buffer;
}

export interface FuzzOptions {
  corpus: readonly Seed[];
  mutators: Record<string, Mutator>;
  /** Optional last step, applied to about `finishRate` of the cases (e.g. recomputing totals so more inputs pass). */
  finish?: { name: string; rate: number; mutator: Mutator };
  seed: number;
  /** The spec file, for the replay hint. */
  spec: string;
}

/** A 32-bit hash of (seed, index), so every case has its own PRNG stream. */
function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Time spent per mutator (ms), when BANK_FILES_FUZZ_STATS is set. */
const mutatorTime = new Map<string, number>();
const STATS = process.env.BANK_FILES_FUZZ_STATS !== undefined;
const timed = (name: string, f: () => string): string => {
  if (!STATS) return f();
  const t = performance.now();
  const out = f();
  mutatorTime.set(name, (mutatorTime.get(name) ?? 0) + performance.now() - t);
  return out;
};

export function fuzzCase(options: FuzzOptions, index: number): FuzzCase {
  const rng = prng(caseSeed(options.seed, index));
  const names = Object.keys(options.mutators);
  const base = options.corpus[index % options.corpus.length];
  let input = toBin(base.bytes);
  const steps: string[] = [];
  const count = 1 + (rng.int(3) === 0 ? rng.int(5) : rng.int(2));
  for (let s = 0; s < count; s++) {
    const name = names[rng.int(names.length)];
    steps.push(name);
    const before = input;
    input = timed(name, () => options.mutators[name](before, rng, options.corpus));
  }
  if (options.finish && rng.next() < options.finish.rate) {
    steps.push(options.finish.name);
    const before = input;
    input = timed(options.finish.name, () => options.finish!.mutator(before, rng, options.corpus));
  }
  return { index, base: base.name, steps, input: fromBin(input) };
}

export interface FuzzReport {
  seed: number;
  runs: number;
  ok: number;
  rejected: number;
  /** Distinct error messages seen (digits folded), a rough measure of how many checks the inputs reached. */
  distinctErrors: number;
  slowest: { index: number; ms: number };
  problems: string[];
  ms: number;
}

/**
 * Runs `runs` cases (or only BANK_FILES_FUZZ_INDEX when set). For every input: the parser must not throw, and
 * its result must satisfy `resultProblem` (located errors, valid payments) plus the optional extra `check`.
 * The first failing inputs are written to the temp directory for inspection.
 */
export function fuzz(
  label: string,
  options: FuzzOptions,
  parse: (b: Buffer, index: number) => ParseResult,
  runs: number,
  check?: (r: ParseResult, input: Buffer) => string | undefined,
): FuzzReport {
  const only = process.env.BANK_FILES_FUZZ_INDEX;
  const indexes = only !== undefined ? only.split(',').map(Number) : undefined;
  const report: FuzzReport = { seed: options.seed, runs: 0, ok: 0, rejected: 0, distinctErrors: 0, slowest: { index: -1, ms: 0 }, problems: [], ms: 0 };
  const messages = new Set<string>();
  let [parseMs, bytes, largest] = [0, 0, 0];
  const slow: Array<[number, string]> = [];
  const started = Date.now();
  const total = indexes ? indexes.length : runs;
  for (let k = 0; k < total; k++) {
    const index = indexes ? indexes[k] : k;
    const c = fuzzCase(options, index);
    report.runs++;
    let problem: string | undefined;
    const t0 = performance.now();
    try {
      detectFormat(c.input, 'fuzz.txt');
      const r = parse(c.input, index);
      problem = resultProblem(r, c.input) ?? check?.(r, c.input);
      if (r.ok) report.ok++;
      else {
        report.rejected++;
        for (const e of r.errors) messages.add(e.message.replace(/\d+/g, '#').replace(/"[^"]*"/g, '"…"'));
      }
    } catch (e) {
      problem = `threw ${(e as Error).stack ?? String(e)}`;
    }
    const ms = performance.now() - t0;
    parseMs += ms;
    if (STATS) slow.push([ms, `#${index} ${c.base} ${c.input.length}B ${c.steps.join(',')}`]);
    bytes += c.input.length;
    largest = Math.max(largest, c.input.length);
    if (ms > report.slowest.ms) report.slowest = { index, ms };
    if (indexes) console.log(`[bank-files] ${label} case ${index}: ${c.base}; ${c.steps.join(', ')}; ${problem ?? 'no problem'}`);
    if (problem) {
      if (report.problems.length < 5) {
        const file = path.join(tmpdir(), `bank-files-fuzz-${label.replace(/\W+/g, '')}-${options.seed}-${index}.bin`);
        writeFileSync(file, c.input);
        report.problems.push(
          `seed ${options.seed} index ${index} (${c.base}; ${c.steps.join(', ')}): ${problem}\n  input written to ${file}\n  replay: BANK_FILES_FUZZ_SEED=${options.seed} BANK_FILES_FUZZ_INDEX=${index} npx jest ${options.spec}`,
        );
      } else if (report.problems.length === 5) report.problems.push('… more problems left out');
    }
  }
  report.ms = Date.now() - started;
  if (STATS) {
    const top = [...mutatorTime].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`[bank-files] ${label} fuzz: slowest parses ${slow.sort((a, b) => b[0] - a[0]).slice(0, 8).map(([ms, d]) => `${ms.toFixed(1)} ms ${d}`).join(' | ')}`);
    console.log(`[bank-files] ${label} fuzz: parse ${parseMs.toFixed(0)} ms, ${(bytes / report.runs).toFixed(0)} bytes per input, largest ${largest}`);
    console.log(`[bank-files] ${label} fuzz: ${report.ms} ms in total; slowest mutators (ms): ${top.map(([n, t]) => `${n} ${t.toFixed(0)}`).join(', ')}`);
    mutatorTime.clear();
  }
  report.distinctErrors = messages.size;
  return report;
}
