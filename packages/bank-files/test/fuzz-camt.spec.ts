// Fuzz: 40,000 seeded mutations of the camt.054 samples, fixtures and a generated file.
import { parseCamt054 } from '../src';
import { generateCamt054 } from '../src/testing/generate-camt054';
import { type Mutator, commonMutators, fuzz } from './fuzz';
import { fixtureFiles, sampleFiles } from './helpers';

const RUNS = Number(process.env.BANK_FILES_FUZZ_CAMT ?? 40_000);
const SEED = Number(process.env.BANK_FILES_FUZZ_SEED ?? 20260302);

const LEAF = /<((?:\w+:)?\w+)(\s[^>]*)?>([^<]*)<\/\1>/g;
const pickMatch = (text: string, re: RegExp, rng: { int: (n: number) => number }): RegExpMatchArray | undefined => {
  const all = [...text.matchAll(re)];
  return all.length ? all[rng.int(all.length)] : undefined;
};
const asText = (b: Buffer): string => b.toString('utf8');
const splice = (text: string, m: RegExpMatchArray, replacement: string): Buffer =>
  Buffer.from(text.slice(0, m.index) + replacement + text.slice((m.index ?? 0) + m[0].length), 'utf8');

const camtMutators: Record<string, Mutator> = {
  ...commonMutators,
  deleteElement: (b, rng) => {
    const t = asText(b);
    const m = pickMatch(t, LEAF, rng);
    return m ? splice(t, m, '') : b;
  },
  duplicateElement: (b, rng) => {
    const t = asText(b);
    const m = pickMatch(t, rng.int(3) === 0 ? /<((?:\w+:)?(?:TxDtls|Ntry|Strd|Ustrd))>[\s\S]*?<\/\1>/g : LEAF, rng);
    return m ? splice(t, m, m[0] + m[0]) : b;
  },
  amountDigits: (b, rng) => {
    const t = asText(b);
    const m = pickMatch(t, /<((?:\w+:)?(?:Amt|TtlAmt|Sum|NbOfTxs|NbOfNtries))(\s[^>]*)?>([^<]*)<\/\1>/g, rng);
    if (!m) return b;
    const value = rng.pick([String(rng.int(100000)), `${rng.int(10000)}.${rng.int(1000)}`, `${rng.int(100)}.${rng.int(10)}${rng.int(10)}`, '-1', '1e5', '', '0', '99999999999999999999']);
    return splice(t, m, `<${m[1]}${m[2] ?? ''}>${value}</${m[1]}>`);
  },
  leafText: (b, rng) => {
    const t = asText(b);
    const m = pickMatch(t, LEAF, rng);
    if (!m) return b;
    const value = rng.pick(['', 'CRDT', 'DBIT', 'BOOK', 'PDNG', 'true', 'SCOR', 'BGNR', '2026-02-30', '2026-03-02T25:00:00', '1001072', 'NOTPROVIDED', '&amp;', 'ÅÄÖ']);
    return splice(t, m, `<${m[1]}${m[2] ?? ''}>${value}</${m[1]}>`);
  },
  attribute: (b, rng) => {
    const t = asText(b);
    const m = pickMatch(t, /Ccy="[A-Z]*"/g, rng);
    return m ? splice(t, m, rng.pick(['Ccy="EUR"', 'Ccy=""', 'Ccy="sek"', '', 'Ccy="SEK" Ccy="SEK"'])) : b;
  },
};

describe('camt.054 fuzz', () => {
  const corpus = [
    ...sampleFiles('camt054'),
    ...fixtureFiles('camt054'),
    { name: 'generated-v02', bytes: Buffer.from(generateCamt054({ payments: 6, perEntry: 3, version: '02' }).xml) },
    { name: 'generated-v08', bytes: Buffer.from(generateCamt054({ payments: 4, perEntry: 2, version: '08' }).xml) },
  ];

  it(`${RUNS} mutated inputs: no exception, every failure has located errors, every payment is valid`, () => {
    const started = Date.now();
    const report = fuzz(corpus, camtMutators, (b) => parseCamt054(b), RUNS, SEED);
    const ms = Date.now() - started;
    console.log(`[bank-files] camt.054 fuzz: ${report.runs} inputs from ${corpus.length} files in ${ms} ms (${report.successes} ok, ${report.failures} rejected)`);
    expect(report.problems).toEqual([]);
    expect(report.runs).toBe(RUNS);
    expect(report.failures).toBeGreaterThan(0);
    expect(report.successes).toBeGreaterThan(0);
  }, 120_000);
});
