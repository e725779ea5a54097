// Fuzz: 60,000 seeded mutations of the BgMax samples and fixtures. No exception; every failure located.
import { parseBgMax } from '../src';
import { type Mutator, commonMutators, fuzz, joinLines, splitLines } from './fuzz';
import { fixtureFiles, sampleFiles } from './helpers';

const RUNS = Number(process.env.BANK_FILES_FUZZ_BGMAX ?? 60_000);
const SEED = Number(process.env.BANK_FILES_FUZZ_SEED ?? 20260302);

const recordLine = (lines: string[], rng: { int: (n: number) => number }, codes: string[]): number => {
  const idx = lines.map((l, i) => [l, i] as const).filter(([l]) => codes.includes(l.slice(0, 2))).map(([, i]) => i);
  return idx.length ? idx[rng.int(idx.length)] : -1;
};

const bgmaxMutators: Record<string, Mutator> = {
  ...commonMutators,
  amountDigits: (b, rng) => {
    const lines = splitLines(b);
    const i = recordLine(lines, rng, ['20', '21', '22', '23', '15']);
    if (i < 0) return b;
    const [from, to] = lines[i].startsWith('15') ? [50, 68] : [37, 55];
    const l = lines[i].padEnd(80);
    const field = Array.from({ length: to - from }, () => String(rng.int(10))).join('');
    lines[i] = l.slice(0, from) + (rng.int(4) === 0 ? field.replace(/\d/, 'x') : field) + l.slice(to);
    return joinLines(lines);
  },
  recordCode: (b, rng) => {
    const lines = splitLines(b);
    const i = rng.int(lines.length);
    const codes = ['01', '05', '15', '20', '21', '22', '23', '25', '26', '27', '28', '29', '70', '99', 'X1'];
    lines[i] = codes[rng.int(codes.length)] + (lines[i] ?? '').slice(2);
    return joinLines(lines);
  },
  countDigits: (b, rng) => {
    const lines = splitLines(b);
    const i = recordLine(lines, rng, ['70', '15']);
    if (i < 0) return b;
    const pos = lines[i].startsWith('70') ? 2 + rng.int(32) : 71 + rng.int(8);
    lines[i] = lines[i].slice(0, pos) + String(rng.int(10)) + lines[i].slice(pos + 1);
    return joinLines(lines);
  },
};

describe('BgMax fuzz', () => {
  const corpus = [...sampleFiles('bgmax'), ...fixtureFiles('bgmax')];

  it(`${RUNS} mutated inputs: no exception, every failure has located errors, every payment is valid`, () => {
    const started = Date.now();
    const report = fuzz(corpus, bgmaxMutators, (b) => parseBgMax(b), RUNS, SEED);
    const ms = Date.now() - started;
    console.log(`[bank-files] BgMax fuzz: ${report.runs} inputs from ${corpus.length} files in ${ms} ms (${report.successes} ok, ${report.failures} rejected)`);
    expect(report.problems).toEqual([]);
    expect(report.runs).toBe(RUNS);
    expect(report.failures).toBeGreaterThan(0);
    expect(report.successes).toBeGreaterThan(0);
  }, 120_000);
});
