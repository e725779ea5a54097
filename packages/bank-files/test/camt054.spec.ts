import { isUtf8 } from 'node:buffer';
import { SaxesParser } from 'saxes';
import { parseBankFile, parseCamt054 } from '../src';
import { camt054 } from '../src/testing/camt054';
import { generateCamt054 } from '../src/testing/generate-camt054';
import { firstInvalidUtf8 } from '../src/text';
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

  it('UTF-16 without a byte-order mark is refused as UTF-16, on line 1 (found by the fuzz test)', () => {
    expect(parseCamt054(fixture('camt054', 'utf16le-no-bom.xml'))).toEqual({
      ok: false,
      format: 'camt.054',
      errors: [{ line: 1, path: '/', message: 'UTF-16 encoded XML is not supported; the banks deliver UTF-8.' }],
    });
    const be = Buffer.from(fixture('camt054', 'utf16le-no-bom.xml')).swap16();
    expect(parseCamt054(be)).toMatchObject({ ok: false, errors: [{ line: 1, path: '/', message: expect.stringMatching(/UTF-16/) }] });
  });

  it('stops at the first XML error instead of failing on every bad character of the chunk (found by the fuzz test)', () => {
    // 20,000 control characters (valid UTF-8, not allowed in XML): saxes used to build an Error with a stack trace
    // for each of them (about 100 ms for a 20 KB file); now parsing ends at the first.
    const xml = fixture('camt054', 'v02-credits.xml').toString('utf8').replace('Tack för senast!', '\u0001'.repeat(20_000));
    const makeError = jest.spyOn(SaxesParser.prototype, 'makeError');
    try {
      const r = parseCamt054(Buffer.from(xml));
      expect(r).toEqual({
        ok: false,
        format: 'camt.054',
        errors: [{ line: 89, column: 22, path: `${NTFCTN}/Ntry[2]/NtryDtls[1]/TxDtls[2]/RmtInf/Ustrd[2]`, message: 'Malformed XML: disallowed character.' }],
      });
      expect(makeError).toHaveBeenCalledTimes(1);
    } finally {
      makeError.mockRestore();
    }
  });

  it('multi-byte characters across the 64 KiB chunk boundaries decode exactly (bytes, shifted bytes and string input)', () => {
    const long = 'åäö€😀'.repeat(30_000); // 2-, 3- and 4-byte UTF-8 sequences, 360 KB: crosses several chunk boundaries
    const base = fixture('camt054', 'v02-credits.xml').toString('utf8').replace('Tack för senast!', long);
    const expected = parseCamt054(base);
    if (!expected.ok) throw new Error(JSON.stringify(expected.errors));
    expect(expected.payments[2].references).toContainEqual({ kind: 'free_text', value: long });
    for (let shift = 0; shift < 4; shift++) {
      const xml = base.replace('<Document', `<!--${'x'.repeat(shift)}--><Document`);
      expect(parseCamt054(Buffer.from(xml))).toEqual(expected);
      expect(parseCamt054(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]))).toEqual(expected);
    }
  });

  it('the native UTF-8 check agrees with firstInvalidUtf8 (which locates the bad byte)', () => {
    const samples = ['', 'abc', 'åäö', '€', '😀', '\uFFFD', '\uFEFF'].map((t) => Buffer.from(t, 'utf8'));
    const bad = [[0x80], [0xc3], [0xe2, 0x82], [0xc0, 0xae], [0xc1, 0xbf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff], [0xfe], [0xc3, 0x28]].map((b) => Buffer.from(b));
    for (const b of [...samples, ...bad, ...bad.map((x) => Buffer.concat([Buffer.from('ok '), x, Buffer.from(' ok')]))]) {
      expect([b.toString('hex'), isUtf8(b)]).toEqual([b.toString('hex'), firstInvalidUtf8(b) === -1]);
    }
  });

  it('a deeply nested file neither overflows the stack nor hides the location', () => {
    const depth = 200_000;
    const xml = fixture('camt054', 'v02-credits.xml').toString('utf8').replace('<Ustrd>Tack för senast!</Ustrd>', `${'<X>'.repeat(depth)}${'</X>'.repeat(depth)}`);
    const r = parseCamt054(xml);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const cut = parseCamt054(xml.slice(0, xml.indexOf('</X>') + 8));
    expect(cut).toMatchObject({ ok: false, errors: [{ line: 89, path: expect.stringMatching(/\/TxDtls\[2\]\/RmtInf\/X\/X\/X/) }] });
  });

  it('positions in paths stay right in a wide parent with interleaved elements', () => {
    // 40 transactions with an unknown element between them: the position is counted by name, not by index.
    const { xml } = generateCamt054({ payments: 40, perEntry: 40, seed: 3 });
    const r = parseCamt054(xml.replace(/<\/TxDtls>\n/g, '</TxDtls>\n<Note/><Note>x</Note>\n'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.payments.map((p) => p.source.location)).toEqual(Array.from({ length: 40 }, (_, i) => `${NTFCTN}/Ntry[1]/NtryDtls[1]/TxDtls[${i + 1}]`));
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

describe('an entry and its one transaction', () => {
  it('must agree on the amount: the booking is the money that arrived', () => {
    const xml = camt054('5677-5612', [{ reference: 'ONE-1', amount: '100.00', ocr: '10017' }]);
    expect(parseCamt054(xml)).toMatchObject({ ok: true, payments: [{ amountOre: 10_000 }] });
    const differs = parseCamt054(xml.replace('<TxAmt><Amt Ccy="SEK">100.00</Amt>', '<TxAmt><Amt Ccy="SEK">90.00</Amt>'));
    expect(differs).toMatchObject({ ok: false, errors: [{ path: expect.stringMatching(/Ntry\[1\]\/Amt$/), message: expect.stringContaining("differs from its transaction's amount, 90.00") }] });
  });
});
