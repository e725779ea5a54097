import { parseBankFile, parseCamt054 } from '../src';
import { generateCamt054 } from '../src/testing/generate-camt054';
import { fixture, fixtureFiles, resultProblem } from './helpers';

const NTFCTN = '/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]';

describe('parseCamt054 on the project fixtures', () => {
  it('v02: single credit, batch of three, pending and debit skipped, reversal of a credit', () => {
    const r = parseCamt054(fixture('camt054', 'v02-credits.xml'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.account).toEqual({ bankgiro: '50501055' });
    expect(r.warnings.map((w) => [w.path, w.message])).toEqual([
      [`${NTFCTN}/Ntry[3]`, 'Entry with status PDNG skipped: only booked entries are payments.'],
      [`${NTFCTN}/Ntry[4]`, 'Debit entry skipped: not an incoming payment.'],
    ]);
    expect(r.payments[0]).toEqual({
      bankReference: 'BGC-0001',
      amountOre: 125000,
      currency: 'SEK',
      bookingDate: '2026-03-02',
      valueDate: '2026-03-02',
      account: { bankgiro: '50501055' },
      payer: { name: 'Åkeri Öst AB', address: ['Storgatan 1', '123 45 Växjö', 'SE'], organisationNumber: '556000-0001', bankgiro: '1234566' },
      references: [{ kind: 'ocr', value: '1001072' }],
      source: { format: 'camt.054', location: `${NTFCTN}/Ntry[1]/NtryDtls[1]/TxDtls[1]`, line: 37 },
      reversal: false,
    });
    expect(r.payments.slice(1).map((p) => [p.bankReference, p.amountOre, p.reversal, p.references])).toEqual([
      ['BGC-0002-1', 50000, false, [{ kind: 'ocr', value: '1002070' }]],
      [
        'BGC-0002-2',
        70000,
        false,
        [
          { kind: 'invoice_number', value: '1001' },
          { kind: 'free_text', value: 'Faktura 1001' },
          { kind: 'free_text', value: 'Tack för senast!' },
        ],
      ],
      ['BGC-0002-3', 50000, false, [{ kind: 'invoice_number', value: '2026-17' }]],
      ['BGC-0003', 50000, true, [{ kind: 'ocr', value: '1002070' }]],
    ]);
    expect(r.payments[4].bookingDate).toBe('2026-03-02'); // from BookgDt/DtTm
  });

  it('v08 with a namespace prefix: Sts/Cd, Dbtr/Pty, TxDtls/Amt, IBAN, OCR by proprietary type, RF as free text', () => {
    const r = parseCamt054(fixture('camt054', 'v08-batch.xml'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.account).toEqual({ iban: 'SE4550000000058398257466' });
    expect(r.warnings).toEqual([]);
    expect(r.payments.map((p) => [p.bankReference, p.amountOre, p.bookingDate, p.payer, p.references])).toEqual([
      ['SEB-20260303-77/1', 134550, '2026-03-03', { name: 'Berits Garn & Tråd', address: ['Box 12', '111 22 Stockholm'] }, [{ kind: 'ocr', value: '1003078' }]],
      [
        'SEB-20260303-77/2',
        100000,
        '2026-03-03',
        { name: 'Olles Färg AB' },
        [
          { kind: 'invoice_number', value: '2026-18' },
          { kind: 'free_text', value: 'RF18539007547034' },
          { kind: 'free_text', value: 'fakt nr 2026-18' },
        ],
      ],
    ]);
  });

  it('malformed XML: one error with line, column and path', () => {
    expect(parseCamt054(fixture('camt054', 'malformed.xml'))).toEqual({
      ok: false,
      format: 'camt.054',
      errors: [{ line: 9, column: 29, path: `${NTFCTN}/Ntry[1]`, message: 'Malformed XML: unexpected close tag.' }],
    });
  });

  it('inconsistent file: every error located by line and XML path', () => {
    const r = parseCamt054(fixture('camt054', 'inconsistent.xml'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.path])).toEqual([
      [6, '/Document/BkToCstmrDbtCdtNtfctn/GrpHdr/CreDtTm'],
      [12, `${NTFCTN}/TxsSummry/TtlNtries/NbOfNtries`],
      [14, `${NTFCTN}/Ntry[1]/Amt`],
      [20, `${NTFCTN}/Ntry[1]/NtryDtls[1]/Btch[1]`],
      [26, `${NTFCTN}/Ntry[2]/Amt`],
      [32, `${NTFCTN}/Ntry[3]/BookgDt`],
    ]);
    expect(r.errors[2].message).toBe('The entry amount 800.00 SEK differs from the sum of its 2 transactions, 700.00.');
    expect(r.errors[4].message).toBe('Invalid amount: "12.345" has more than 2 decimals.');
  });

  it('amounts are converted exactly (no floating point)', () => {
    const xml = fixture('camt054', 'v02-credits.xml').toString('utf8').replace('1250.00', '0.29').replace('<Sum>3250.00</Sum>', '<Sum>2000.29</Sum>');
    const r = parseCamt054(xml);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.payments[0].amountOre).toBe(29);
  });

  it('rejects a file that is not UTF-8 (latin-1 bytes without a declaration saying so), located by line', () => {
    const bytes = Buffer.from(fixture('camt054', 'v02-credits.xml').toString('utf8'), 'latin1');
    const r = parseCamt054(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ line: 41, path: '/' });
  });

  it('a camt.053 statement or a foreign root is refused with a path', () => {
    expect(parseCamt054('<Document><BkToCstmrStmt/></Document>')).toMatchObject({ ok: false, errors: [{ path: '/Document/BkToCstmrStmt', line: 1 }] });
    expect(parseCamt054('<foo/>')).toMatchObject({ ok: false, errors: [{ path: '/foo' }] });
  });

  it('duplicate bank references in one file are an error', () => {
    const xml = fixture('camt054', 'v02-credits.xml').toString('utf8').replace('BGC-0002-2', 'BGC-0002-1');
    const r = parseCamt054(xml);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([expect.objectContaining({ path: `${NTFCTN}/Ntry[2]/NtryDtls[1]/TxDtls[2]`, message: expect.stringMatching(/used twice/) })]);
  });

  it.each(fixtureFiles('camt054').map((f) => [f.name, f.bytes] as const))('%s: parsing twice gives equal results', (_name, bytes) => {
    const a = parseCamt054(bytes);
    expect(parseCamt054(Buffer.from(bytes))).toEqual(a);
    expect(resultProblem(a)).toBeUndefined();
  });
});

describe('generateCamt054 (benchmark helper)', () => {
  it.each(['02', '08'] as const)('v%s: N payments with OCR references round-trip through the parser', (version) => {
    const { xml, payments } = generateCamt054({ payments: 1234, perEntry: 100, version, seed: 7 });
    const r = parseBankFile(Buffer.from(xml));
    if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
    expect(r.payments).toHaveLength(1234);
    expect(r.payments.map((p) => [p.bankReference, p.amountOre, p.references[0]])).toEqual(
      payments.map((p) => [p.bankReference, p.amountOre, { kind: 'ocr', value: p.ocr }]),
    );
  });
});
