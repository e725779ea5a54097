// Fuzz: at least 100,000 seeded mutations of the BgMax samples and fixtures per run. The parser must never throw,
// every failure must carry located errors, and every accepted file must hold only valid, uniquely referenced
// payments (see resultProblem). Replay one input: BANK_FILES_FUZZ_SEED=<seed> BANK_FILES_FUZZ_INDEX=<i>.
import { parseBgMax } from '../src';
import { fuzz } from './fuzz';
import { bgmaxMutators, fixBgMaxTotals } from './fuzz-bgmax-mutators';
import { HAVE_SAMPLES, SAMPLES_DIR, fixtureFiles, sampleFiles, warnSamplesMissing } from './helpers';

const MIN_RUNS = 100_000;
const RUNS = Number(process.env.BANK_FILES_FUZZ_BGMAX ?? MIN_RUNS);
const SEED = Number(process.env.BANK_FILES_FUZZ_SEED ?? 20260302);

describe('BgMax fuzz', () => {
  const samples = sampleFiles('bgmax');
  const corpus = [...samples, ...fixtureFiles('bgmax')];

  if (!HAVE_SAMPLES) {
    beforeAll(() => warnSamplesMissing('BgMax fuzz seeds from the samples (the fuzz runs on the project fixtures only)'));
    it.skip(`SKIPPED: BgMax samples as fuzz seeds (not found at ${SAMPLES_DIR})`, () => undefined);
  }

  it(`${RUNS} mutated inputs: no exception, every failure has located errors, every payment is valid`, () => {
    if (RUNS < MIN_RUNS) console.warn(`[bank-files] BgMax fuzz: only ${RUNS} inputs (BANK_FILES_FUZZ_BGMAX); the requirement is ${MIN_RUNS}.`);
    const report = fuzz(
      'BgMax',
      { corpus, mutators: bgmaxMutators, finish: { name: 'fixTotals', rate: 0.5, mutator: fixBgMaxTotals }, seed: SEED, spec: 'test/fuzz-bgmax.spec.ts' },
      (b, index) => parseBgMax(b, index % 4 === 3 ? { allowFragment: true } : {}),
      RUNS,
    );
    console.log(
      `[bank-files] BgMax fuzz: seed ${report.seed}, ${report.runs} inputs from ${corpus.length} files (${samples.length} samples) in ${report.ms} ms: ` +
        `${report.ok} ok, ${report.rejected} rejected, ${report.distinctErrors} distinct error messages, slowest input #${report.slowest.index} ${report.slowest.ms.toFixed(1)} ms`,
    );
    expect(report.problems).toEqual([]);
    if (process.env.BANK_FILES_FUZZ_INDEX !== undefined) return;
    expect(report.runs).toBe(RUNS);
    expect(report.rejected).toBeGreaterThan(RUNS / 10);
    expect(report.ok).toBeGreaterThan(RUNS / 10);
    expect(report.slowest.ms).toBeLessThan(2_000);
  }, 300_000);
});
