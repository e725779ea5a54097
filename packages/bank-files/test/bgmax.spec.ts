import { invoiceNumberCandidates, parseBgMax } from '../src';
import { generateBgMax } from '../src/testing';
import { fixture, fixtureFiles, resultProblem } from './helpers';

const ok = (name: string) => {
  const r = parseBgMax(fixture('bgmax', name));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
};

describe('parseBgMax on the project fixtures', () => {
  it('LF endings, TABs, trimmed lines, latin-1: payments, a TK21 reversal and a TK22 OCR', () => {
    const r = ok('lf-tabs-deduction.latin1.txt');
    expect(r.account).toEqual({ bankgiro: '50501055' });
    expect(r.warnings).toEqual([{ line: 11, message: 'TAB characters were expanded to 8-column tab stops.' }]);
    expect(r.payments).toEqual([
      {
        bankReference: 'BGMAX:50501055:20260302:00101:P1:000000000101',
        amountOre: 125000,
        currency: 'SEK',
        bookingDate: '2026-03-02',
        account: { bankgiro: '50501055' },
        payer: { name: 'Åkeri Öst AB', bankgiro: '1234566', organisationNumber: '556000-0001', address: ['Storgatan 1', '123 45 Växjö'] },
        references: [{ kind: 'ocr', value: '1001072' }],
        source: { format: 'bgmax', location: 'line 3', line: 3 },
        reversal: false,
      },
      expect.objectContaining({ amountOre: 25000, reversal: true, references: [{ kind: 'free_text', value: 'Kreditfaktura 1003' }] }),
      expect.objectContaining({
        amountOre: 90000,
        payer: { name: 'Märta Ängström' },
        references: [
          { kind: 'ocr', value: '1002070' },
          { kind: 'invoice_number', value: '1001' },
          { kind: 'invoice_number', value: '1002' },
          { kind: 'free_text', value: '1001 1002' },
        ],
      }),
    ]);
  });

  it('UTF-8 with BOM and CRLF', () => {
    const r = ok('utf8-bom.txt');
    expect(r.payments[0].payer).toEqual({ name: 'Ärlig Ödmjuk Åsa', bankgiro: '1234566', address: ['Malmö'] });
    expect(r.payments[0].references).toEqual([
      { kind: 'invoice_number', value: '1001' },
      { kind: 'free_text', value: 'Faktura 1001' },
    ]);
  });

  it('double-encoded UTF-8 is repaired, with a warning', () => {
    const r = ok('double-encoded.txt');
    expect(r.payments[0].payer.name).toBe('Plåtslageri Öst AB');
    expect(r.warnings).toEqual([{ line: 1, message: 'The file was UTF-8 encoded twice; the text was repaired.' }]);
  });

  it('unknown record types and blank lines are skipped with warnings', () => {
    const r = ok('unknown-records.latin1.txt');
    expect(r.payments).toHaveLength(1);
    expect(r.payments[0].payer.name).toBe('Okänd Post AB');
    expect(r.warnings).toEqual([
      { line: 4, message: 'Unknown record type "90" skipped.' },
      { line: 6, message: 'Unknown record type "99" skipped.' },
      { line: 10, message: 'Unknown record type "XX" skipped.' },
    ]);
  });

  it('a message cut at 25 characters continues in TK25, and a full TK25 continues in the next one', () => {
    const r = ok('invoice-continued.latin1.txt');
    expect(r.payments[0].references).toEqual([
      { kind: 'invoice_number', value: '2026-17' },
      { kind: 'free_text', value: 'Betalning avser faktura 2026-17, kund nr 88' },
    ]);
    expect(r.payments[1].references).toEqual([
      { kind: 'invoice_number', value: '1002' },
      { kind: 'invoice_number', value: '1007' },
      { kind: 'free_text', value: 'Hej Hej! Betalningen för fakturanr 1002 och faktura 1007, tack' },
    ]);
  });

  it('wrong TK70 counts: every count is reported on the TK70 line', () => {
    expect(parseBgMax(fixture('bgmax', 'wrong-tk70.latin1.txt'))).toEqual({
      ok: false,
      format: 'bgmax',
      errors: [
        { line: 7, message: 'TK70: Found 1 payments but expected 2' },
        { line: 7, message: 'TK70: Found 1 deductions but expected 0' },
        { line: 7, message: 'TK70: Found 1 extra references but expected 3' },
        { line: 7, message: 'TK70: Found 1 deposits but expected 2' },
      ],
    });
  });

  it('wrong deposit total and count are reported on their TK15 lines', () => {
    expect(parseBgMax(fixture('bgmax', 'wrong-deposit-total.latin1.txt'))).toEqual({
      ok: false,
      format: 'bgmax',
      errors: [
        { line: 5, message: "TK15 deposit amount 310.00 differs from the section's payments minus deductions, 300.00." },
        { line: 8, message: 'TK15 says 2 payment records but the section has 1 (1 TK20 + 0 TK21).' },
      ],
    });
  });

  it('the same deposit twice in one file is an error, not two payments with one bank reference (found by the fuzz test)', () => {
    // Both sections are deposit 00109 of 2026-03-09 for bankgiro 5050-1055, with consistent totals and TK70 counts.
    // Before, both were accepted and their payments shared the bank reference …:P1:…, so the import, which
    // de-duplicates on it, would have booked only one of them.
    expect(parseBgMax(fixture('bgmax', 'repeated-deposit.latin1.txt'))).toEqual({
      ok: false,
      format: 'bgmax',
      errors: [{ line: 7, message: 'TK15 deposit 00109 of 2026-03-09 for bankgiro 50501055 appears twice in the file (also on line 4).' }],
    });
    // With another deposit serial the second section is a deposit of its own.
    const lines = fixture('bgmax', 'repeated-deposit.latin1.txt').toString('latin1').split('\r\n');
    lines[6] = lines[6].replace('2026030900109', '2026030900110');
    const r = parseBgMax(lines.join('\r\n'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.payments.map((p) => p.bankReference)).toEqual(['BGMAX:50501055:20260309:00109:P1:000000000801', 'BGMAX:50501055:20260309:00110:P1:000000000801']);
  });

  it('field errors are all listed with their lines (all-or-nothing)', () => {
    const lines = fixture('bgmax', 'utf8-bom.txt').toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
    lines[0] = lines[0].replace('20260302', '20261302'); // invalid month in TK01
    lines[1] = lines[1].replace('0050501055', '0050501056'); // recipient bankgiro check digit
    lines[2] = lines[2].slice(0, 40) + 'x' + lines[2].slice(41); // amount not numeric
    lines[5] = lines[5].replace('20260303', '20260230'); // 30 February
    const r = parseBgMax(lines.join('\r\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([1, 2, 3, 6, 6]);
    expect(r.errors[1].message).toMatch(/recipient bankgiro .*check digit/);
    expect(r.errors[3].message).toMatch(/payment date/);
  });

  it('empty and garbage input fail with located errors', () => {
    expect(parseBgMax(Buffer.alloc(0))).toEqual({ ok: false, format: 'bgmax', errors: [{ line: 1, message: 'The file is empty: no BgMax records.' }] });
    const r = parseBgMax('hello\nworld');
    expect(r.ok).toBe(false);
  });

  it.each(fixtureFiles('bgmax').map((f) => [f.name, f.bytes] as const))('%s: parsing twice gives equal results', (_name, bytes) => {
    const a = parseBgMax(bytes);
    const b = parseBgMax(Buffer.from(bytes));
    expect(b).toEqual(a);
    expect(resultProblem(a)).toBeUndefined();
  });
});

describe('generateBgMax (benchmark helper)', () => {
  it.each(['\r\n', '\n'] as const)('N payments with OCR references round-trip through the parser (EOL %j)', (eol) => {
    const { text, payments } = generateBgMax({ payments: 2345, perSection: 1000, seed: 7, eol });
    const r = parseBgMax(Buffer.from(text, 'latin1'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
    expect(r.warnings).toEqual([]);
    expect(r.payments.map((p) => [p.bankReference, p.amountOre, p.references[0]])).toEqual(payments.map((p) => [p.bankReference, p.amountOre, { kind: 'ocr', value: p.ocr }]));
    expect(r.payments[10].payer).toEqual({ name: 'Betalare 11 Åkeri Öst AB' });
    expect(resultProblem(r, Buffer.from(text, 'latin1'))).toBeUndefined();
  });
});

describe('invoiceNumberCandidates', () => {
  it.each([
    ['Faktura 1001', ['1001']],
    ['fakt nr 2026-17', ['2026-17']],
    ['Faktnr: 63600', ['63600']],
    ['KUNDNR 4325 FAKTURA 6389', ['6389']],
    ['Faktura801465', ['801465']],
    ['8012577,8013575', ['8012577', '8013575']],
    ['63600', ['63600']],
    ['invoice no. 55', ['55']],
    ['kund nr 88', []],
    ['Tack för hjälpen', []],
  ])('%s → %j', (text, expected) => {
    expect(invoiceNumberCandidates(text)).toEqual(expected);
  });
});
