// The third-party sample files, read in place from ../shared/samples (never copied into the repository).
import { parseBankFile, parseBgMax, parseCamt054 } from '../src';
import { HAVE_SAMPLES, SAMPLES_DIR, resultProblem, sampleFiles, warnSamplesMissing } from './helpers';

const BROKEN = 'zimpler_BgMaxfil4_broken.txt';
const FRAGMENT = 'zimpler_isolated_deposit.txt';

if (!HAVE_SAMPLES) {
  describe('third-party samples', () => {
    beforeAll(() => warnSamplesMissing('sample-file tests'));
    it(`SKIPPED: samples folder not found at ${SAMPLES_DIR} (tests against the shared samples did not run)`, () => {
      expect(HAVE_SAMPLES).toBe(false);
    });
  });
} else {
  describe('BgMax samples', () => {
    const files = sampleFiles('bgmax');

    it('finds the six BgMax samples', () => {
      expect(files.map((f) => f.name)).toHaveLength(6);
    });

    it.each(files.filter((f) => f.name !== BROKEN && f.name !== FRAGMENT).map((f) => [f.name, f.bytes] as const))(
      '%s parses, and its payments net to the deposits',
      (name, bytes) => {
        const r = parseBankFile(bytes, name);
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        expect(r.format).toBe('bgmax');
        expect(r.payments.length).toBeGreaterThan(0);
        expect(resultProblem(r)).toBeUndefined();
        expect(r.account).toEqual({ bankgiro: '9912346' });
        expect(new Set(r.payments.map((p) => p.bankReference)).size).toBe(r.payments.length);
      },
    );

    it('Bankgirot example 4 (zimpler_BgMaxfil4): 9 payments, OCR refs from TK22, sender BG 0 has no payer', () => {
      const r = parseBgMax(files.find((f) => f.name === 'zimpler_BgMaxfil4.txt')!.bytes);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(r.payments).toHaveLength(9);
      expect(r.payments.reduce((s, p) => s + p.amountOre, 0)).toBe(370000 + 200000 + 290000 + 400000);
      const first = r.payments[0];
      expect(first.references.filter((x) => x.kind === 'ocr').map((x) => x.value)).toEqual(['665760', '665869', '665661', '657775']);
      expect(first.payer).toEqual({
        name: 'Kalles Plåt AB',
        bankgiro: '3783511',
        organisationNumber: '550000-1234',
        address: ['Storgatan 2', '12345 Storåker'],
      });
      expect(r.payments.find((p) => p.source.line === 40)!.payer).toEqual({});
      expect(r.payments.filter((p) => p.currency === 'EUR')).toHaveLength(2);
      expect(r.warnings.some((w) => /TK29/.test(w.message))).toBe(true); // 9-digit org no is kept with a warning
    });

    it('the current Bankgirot example (fabhed): TAB line read at 8-column stops, TK21 becomes a reversal', () => {
      const r = parseBgMax(files.find((f) => f.name.startsWith('fabhed_'))!.bytes);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(r.payments).toHaveLength(7);
      const reversal = r.payments.filter((p) => p.reversal);
      expect(reversal).toHaveLength(1);
      expect(reversal[0].amountOre).toBe(50000);
      const withTab = r.payments.find((p) => p.source.line === 13)!;
      expect(withTab.references.filter((x) => x.kind === 'ocr').map((x) => x.value)).toEqual(['657866', '658765', '657767', '657965']);
      expect(r.warnings).toContainEqual({ line: 17, message: 'TAB characters were expanded to 8-column tab stops.' });
      const net = r.payments.reduce((s, p) => s + (p.reversal ? -p.amountOre : p.amountOre), 0);
      expect(net).toBe(190000 + 800000);
    });

    it('the known-broken sample fails with exactly the two located TK70 errors', () => {
      const bytes = files.find((f) => f.name === BROKEN)!.bytes;
      const lines = bytes.toString('latin1').split(/\r\n|\r|\n/);
      const tk70 = lines.findIndex((l) => l.startsWith('70')) + 1;
      expect(parseBankFile(bytes, BROKEN)).toEqual({
        ok: false,
        format: 'bgmax',
        errors: [
          { line: tk70, message: 'TK70: Found 9 payments but expected 8' },
          { line: tk70, message: 'TK70: Found 4 deposits but expected 5' },
        ],
      });
    });

    it('the mojibake in the broken sample is reported as a warning once its counts are fixed', () => {
      const bytes = files.find((f) => f.name === BROKEN)!.bytes;
      const fixed = Buffer.from(bytes.toString('utf8').replace('7000000008000000000000001300000005', '7000000009000000000000001300000004'), 'utf8');
      const r = parseBgMax(fixed);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(r.payments).toHaveLength(9);
      expect(r.warnings.some((w) => /U\+FFFD/.test(w.message))).toBe(true);
    });

    it('the isolated-deposit fragment fails by default (no TK01/TK70) and parses with allowFragment', () => {
      const bytes = files.find((f) => f.name === FRAGMENT)!.bytes;
      const strict = parseBankFile(bytes, FRAGMENT);
      expect(strict).toEqual({
        ok: false,
        format: 'bgmax',
        errors: [
          { line: 1, message: 'The file does not start with a TK01 start record (01BGMAX).' },
          { line: 16, message: 'The file has no TK70 end record.' },
        ],
      });
      const lenient = parseBgMax(bytes, { allowFragment: true });
      if (!lenient.ok) throw new Error(JSON.stringify(lenient.errors));
      expect(lenient.payments.map((p) => p.amountOre)).toEqual([300000, 100000]);
    });
  });

  describe('camt.054 samples', () => {
    const files = sampleFiles('camt054');

    it('finds the three camt.054 samples', () => {
      expect(files).toHaveLength(3);
    });

    it.each(files.map((f) => [f.name, f.bytes] as const))('%s parses; its only entry is a debit, so no payments', (name, bytes) => {
      const r = parseBankFile(bytes, name);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(r.format).toBe('camt.054');
      expect(r.payments).toEqual([]);
      expect(r.warnings).toEqual([expect.objectContaining({ path: '/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]', message: 'Debit entry skipped: not an incoming payment.' })]);
    });

    it('v08 sample turned into a credit (in memory): the CHF transactions cannot split a SEK entry → located errors', () => {
      const xml = files.find((f) => f.name.endsWith('v8.xml'))!.bytes.toString('utf8').replace('<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>', '<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>');
      const r = parseCamt054(xml);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      for (const e of r.errors) expect(e.path).toMatch(/^\/Document\/BkToCstmrDbtCdtNtfctn\/Ntfctn\[1\]\/Ntry\[1\]/);
      expect(r.errors.some((e) => /cannot be split/.test(e.message))).toBe(true);
    });

    it('v08 sample as a CHF credit (in memory): a batch of three payments, Pty/Nm payer, SCOR refs kept as free text', () => {
      const xml = files
        .find((f) => f.name.endsWith('v8.xml'))!
        .bytes.toString('utf8')
        .replace('<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>', '<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>')
        .replace('<Amt Ccy="SEK">200000</Amt>', '<Amt Ccy="CHF">9.5</Amt>')
        .replace('<NbOfTxs>2</NbOfTxs>', '<NbOfTxs>3</NbOfTxs>')
        .replace('<TtlAmt Ccy="CHF">6.3</TtlAmt>', '<TtlAmt Ccy="CHF">9.5</TtlAmt>');
      const r = parseCamt054(xml);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(r.payments.map((p) => [p.amountOre, p.currency, p.payer.name, p.bankReference])).toEqual([
        [310, 'CHF', 'UNIFITS GmbH', 'ACSR160617103200001/1'],
        [320, 'CHF', 'UNIFITS GmbH', 'ACSR160617103200001/2'],
        [320, 'CHF', 'UNIFITS GmbH', 'ACSR160617103200001/3'],
      ]);
      expect(r.payments[2].references).toContainEqual({ kind: 'free_text', value: 'Ref number V3 block 1' });
    });
  });
}
