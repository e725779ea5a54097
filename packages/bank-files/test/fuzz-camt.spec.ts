// Fuzz: at least 100,000 seeded mutations of the camt.054 samples, fixtures and two generated files per run. The
// parser must never throw, every failure must carry errors located by line and XML path, and every accepted file
// must hold only valid, uniquely referenced payments (see resultProblem).
// Replay one input: BANK_FILES_FUZZ_SEED=<seed> BANK_FILES_FUZZ_INDEX=<i> npx jest test/fuzz-camt.spec.ts
import { parseCamt054 } from '../src';
import { generateCamt054 } from '../src/testing';
import { fuzz } from './fuzz';
import { camtMutators, fixCamtTotals } from './fuzz-camt-mutators';
import { HAVE_SAMPLES, SAMPLES_DIR, fixtureFiles, sampleFiles, warnSamplesMissing } from './helpers';

const MIN_RUNS = 100_000;
const RUNS = Number(process.env.BANK_FILES_FUZZ_CAMT ?? MIN_RUNS);
const SEED = Number(process.env.BANK_FILES_FUZZ_SEED ?? 20260302);

describe('camt.054 fuzz', () => {
  const samples = sampleFiles('camt054');
  const corpus = [
    ...samples,
    ...fixtureFiles('camt054'),
    { name: 'generated-v02', bytes: Buffer.from(generateCamt054({ payments: 6, perEntry: 3, version: '02' }).xml) },
    { name: 'generated-v08', bytes: Buffer.from(generateCamt054({ payments: 4, perEntry: 2, version: '08' }).xml) },
  ];

  if (!HAVE_SAMPLES) {
    beforeAll(() => warnSamplesMissing('camt.054 fuzz seeds from the samples (the fuzz runs on the project fixtures only)'));
    it.skip(`SKIPPED: camt.054 samples as fuzz seeds (not found at ${SAMPLES_DIR})`, () => undefined);
  }

  it(`${RUNS} mutated inputs: no exception, every failure has errors located by line and path, every payment is valid`, () => {
    if (RUNS < MIN_RUNS) console.warn(`[bank-files] camt.054 fuzz: only ${RUNS} inputs (BANK_FILES_FUZZ_CAMT); the requirement is ${MIN_RUNS}.`);
    const report = fuzz(
      'camt.054',
      { corpus, mutators: camtMutators, finish: { name: 'fixTotals', rate: 0.35, mutator: fixCamtTotals }, seed: SEED, spec: 'test/fuzz-camt.spec.ts' },
      (b) => parseCamt054(b),
      RUNS,
      // The parser turns its own exceptions into errors (so an import never crashes); here they are bugs.
      (r) => (!r.ok && r.errors.some((e) => e.message.startsWith('Internal error')) ? `internal error ${JSON.stringify(r.errors)}` : undefined),
    );
    console.log(
      `[bank-files] camt.054 fuzz: seed ${report.seed}, ${report.runs} inputs from ${corpus.length} files (${samples.length} samples) in ${report.ms} ms: ` +
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
