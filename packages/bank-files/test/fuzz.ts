// Shared fuzz driver: seeded mutations of a corpus, asserting no exception and located failures.
import { type ParseResult } from '../src';
import { prng, resultProblem } from './helpers';

export type Rng = ReturnType<typeof prng>;
export type Mutator = (input: Buffer, rng: Rng) => Buffer;

export const splitLines = (b: Buffer): string[] => b.toString('latin1').split(/(?<=\n)/);
export const joinLines = (lines: string[]): Buffer => Buffer.from(lines.join(''), 'latin1');
const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => String(rng.int(10))).join('');

/** Mutations that make sense for any text file. */
export const commonMutators: Record<string, Mutator> = {
  byteFlip: (b, rng) => {
    const out = Buffer.from(b);
    const n = 1 + rng.int(3);
    for (let k = 0; k < n && out.length > 0; k++) out[rng.int(out.length)] = rng.int(256);
    return out;
  },
  truncate: (b, rng) => b.subarray(0, rng.int(b.length + 1)),
  deleteLine: (b, rng) => {
    const lines = splitLines(b);
    lines.splice(rng.int(lines.length), 1);
    return joinLines(lines);
  },
  duplicateLine: (b, rng) => {
    const lines = splitLines(b);
    const i = rng.int(lines.length);
    lines.splice(i, 0, lines[i] ?? '');
    return joinLines(lines);
  },
  swapLines: (b, rng) => {
    const lines = splitLines(b);
    const i = rng.int(lines.length);
    const j = rng.int(lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return joinLines(lines);
  },
  latin1ToUtf8: (b) => Buffer.from(b.toString('latin1'), 'utf8'),
  utf8ToLatin1: (b) => Buffer.from(b.toString('utf8'), 'latin1'),
  lineEndings: (b, rng) => Buffer.from(rng.int(2) ? b.toString('latin1').replace(/\r\n/g, '\n') : b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'),
  insertJunk: (b, rng) => {
    const at = rng.int(b.length + 1);
    const junk = rng.pick(['\t', '\u0000', '\r', '\n', '<', '&', ']]>', '\uFEFF', 'Ã¥', digits(rng, 5), ' '.repeat(rng.int(90))]);
    return Buffer.concat([b.subarray(0, at), Buffer.from(junk, 'utf8'), b.subarray(at)]);
  },
};

export interface FuzzReport {
  runs: number;
  failures: number;
  successes: number;
  problems: string[];
}

export function fuzz(
  corpus: Array<{ name: string; bytes: Buffer }>,
  mutators: Record<string, Mutator>,
  parse: (b: Buffer) => ParseResult,
  runs: number,
  seed: number,
): FuzzReport {
  const rng = prng(seed);
  const names = Object.keys(mutators);
  const report: FuzzReport = { runs: 0, failures: 0, successes: 0, problems: [] };
  for (let i = 0; i < runs; i++) {
    const base = corpus[i % corpus.length];
    let input = base.bytes;
    const steps = 1 + rng.int(3);
    const applied: string[] = [];
    for (let s = 0; s < steps; s++) {
      const name = names[rng.int(names.length)];
      applied.push(name);
      input = mutators[name](input, rng);
    }
    report.runs++;
    let problem: string | undefined;
    try {
      const r = parse(input);
      problem = resultProblem(r);
      if (r.ok) report.successes++;
      else report.failures++;
    } catch (e) {
      problem = `threw ${(e as Error).stack ?? String(e)}`;
    }
    if (problem && report.problems.length < 5) report.problems.push(`seed ${seed} run ${i} (${base.name}; ${applied.join(', ')}): ${problem}`);
  }
  return report;
}
