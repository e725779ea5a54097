import iconv from 'iconv-lite';
import { readSie, writeSie4, type ReadSieResult } from '../src';
import { baseDocument } from './fixtures';

const HEADER = ['#FLAGGA 0', '#PROGRAM "Test" 1.0', '#FORMAT PC8', '#GEN 20250115', '#SIETYP 4', '#FNAMN "Övningsbolaget AB"'];
const file = (lines: string[], encoding = 'cp437'): Buffer => iconv.encode([...HEADER, ...lines].join('\r\n') + '\r\n', encoding);
const L = HEADER.length; // line number of the last header line

function ok(result: ReadSieResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result;
}
function failed(result: ReadSieResult) {
  if (result.ok) throw new Error('expected errors');
  return result;
}

describe('readSie', () => {
  it('reads quoted fields with escapes, unquoted fields, object lists and tabs', () => {
    const r = ok(
      readSie(
        file([
          '#KONTO 1510 Kundfordringar',
          '#KONTO 1930 "Bank \\"företag\\" \\\\ konto"',
          '#VER\tI  1 20250115 "Inbetalning"',
          '{',
          '\t#TRANS  1930 {} 14563.00',
          '\t#TRANS  1510 {"1" "Syd" "7" "4"} -14563.00 20250114 "K134 / kund"',
          '}',
        ]),
      ),
    );
    expect(r.document.accounts).toEqual([
      { number: '1510', name: 'Kundfordringar' },
      { number: '1930', name: 'Bank "företag" \\ konto' },
    ]);
    expect(r.document.vouchers).toEqual([
      {
        series: 'I',
        number: '1',
        date: '2025-01-15',
        text: 'Inbetalning',
        transactions: [
          { account: '1930', amountOre: 1456300 },
          { account: '1510', amountOre: -1456300, date: '2025-01-14', text: 'K134 / kund', objects: [{ dimension: '1', id: 'Syd' }, { dimension: '7', id: '4' }] },
        ],
      },
    ]);
  });

  it('keeps a backslash that escapes nothing (real files hold unescaped paths such as "1820\\A012")', () => {
    const r = ok(readSie(file(['#KONTO 1229 "1820\\A012 Cykel"'])));
    expect(r.document.accounts[0].name).toBe('1820\\A012 Cykel');
  });

  it('reads an empty series and number (4I) as series "" and no number', () => {
    const r = ok(readSie(file(['#KONTO 1930 Bank', '#KONTO 1510 Kund', '#VER "" "" 20250115 ""', '{', '#TRANS 1930 {} 1.00', '#TRANS 1510 {} -1.00 "" ""', '}'])));
    expect(r.document.vouchers[0]).toEqual({ series: '', date: '2025-01-15', transactions: [{ account: '1930', amountOre: 100 }, { account: '1510', amountOre: -100 }] });
  });

  it('reports every unbalanced voucher on its #VER line, and nothing for the balanced ones', () => {
    const r = failed(
      readSie(
        file([
          '#VER A 1 20250115 "ok"', '{', '#TRANS 1930 {} 1.00', '#TRANS 1510 {} -1.00', '}',
          '#VER A 2 20250115 "off"', '{', '#TRANS 1930 {} 1.00', '#TRANS 1510 {} -0.99', '}',
          '#VER A 3 20250115 "off too"', '{', '#TRANS 1930 {} -5', '}',
        ]),
      ),
    );
    expect(r.errors).toEqual([
      { line: L + 6, message: 'Voucher A 2 of 2025-01-15 does not balance: its #TRANS rows sum to 0.01 instead of 0.00.' },
      { line: L + 11, message: 'Voucher A 3 of 2025-01-15 does not balance: its #TRANS rows sum to -5.00 instead of 0.00.' },
    ]);
  });

  it('reports malformed records with their line', () => {
    const r = failed(
      readSie(
        file([
          '#VER A 1 20250132 "bad date"', '{', '#TRANS 1930 {} +1.00', '#TRANS 1510 {} 1,00', '#TRANS 1510 {} "unclosed', '}',
          '#TRANS 1930 {} 1.00',
          '}',
          '#VER A 2 20250115',
          '#KONTO 1930 Bank',
          '#VER A 3 20250115', '{', '#TRANS 1930 {} 0.00',
        ]),
      ),
    );
    expect(r.errors.map((e) => e.line)).toEqual([L + 1, L + 3, L + 4, L + 5, L + 7, L + 8, L + 9, L + 11]);
    expect(r.errors[1].message).toMatch(/"\+1.00" is not an SIE amount/);
    expect(r.errors[6].message).toBe('This #VER is not followed by a "{" line holding its #TRANS rows.');
    expect(r.errors[7].message).toBe('This voucher is not closed with a "}" line.');
  });

  it('ignores unknown labels with one warning per label, and #RTRANS/#BTRANS keeping the #TRANS rows', () => {
    const r = ok(
      readSie(
        file([
          '#ADRESS "Siw" "Box 1"', '#SRU 1930 7281', '#SRU 1510 7251', '#KONTO 1930 Bank', '#KTYP 1930 T', '#KTYP 9999 K',
          '#VER A 8 20091210 "Ändrad"', '{',
          '#BTRANS 1930 {} -1000 20101007 "" "" "2 Christer"',
          '#RTRANS 1930 {} 0 20101007 "" "" "2 Christer"',
          '#TRANS 1930 {} 0 20091210 ""',
          '#BTRANS 4010 {} 1000',
          '}',
        ]),
      ),
    );
    expect(r.document.vouchers[0].transactions).toEqual([{ account: '1930', amountOre: 0, date: '2009-12-10' }]);
    expect(r.document.accounts).toEqual([{ number: '1930', name: 'Bank', type: 'T' }]);
    const messages = r.warnings.map((w) => `${w.line}: ${w.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        `${L + 1}: #ADRESS ignored (1 record, first on this line): not part of the document model.`,
        `${L + 2}: #SRU ignored (2 records, first on this line): not part of the document model.`,
        `${L + 6}: #KTYP for account 9999, which has no #KONTO, was ignored.`,
        `${L + 9}: #BTRANS ignored (2 records, first on this line): change history; the #TRANS rows of the voucher are kept as they stand.`,
        `${L + 10}: #RTRANS ignored (1 record, first on this line): change history; the #TRANS rows of the voucher are kept as they stand.`,
      ]),
    );
  });

  it('assumes the spec defaults with warnings when #FLAGGA, #SIETYP, #FORMAT and #PROGRAM are missing, and needs #FNAMN and #GEN', () => {
    const r = ok(readSie(iconv.encode('#GEN 20250115\n#FNAMN X\n', 'cp437')));
    expect(r.document).toMatchObject({ flag: 0, sieType: 1, program: { name: '', version: '' } });
    expect(r.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining(['The file has no #FLAGGA; 0 assumed.', 'The file has no #SIETYP; type 1 assumed, as the spec says.', 'The file has no #FORMAT; PC8 assumed.']),
    );
    const bad = failed(readSie(Buffer.from('#FLAGGA 0\n')));
    expect(bad.errors.map((e) => e.message)).toEqual([
      'The file has no #FNAMN (company name), which every SIE file must have.',
      'The file has no #GEN (generation date), which every SIE file must have.',
    ]);
  });

  it('refuses a currency other than SEK', () => {
    expect(failed(readSie(file(['#VALUTA EUR']))).errors[0]).toEqual({ line: L + 1, message: '#VALUTA "EUR" is not supported: amounts are read as öre in SEK.' });
  });

  describe('encodings', () => {
    const name = 'Åsa Öberg & Ängel é';
    it('decodes codepage 437 (the default)', () => {
      expect(ok(readSie(file([`#KONTO 1930 "${name}"`]))).document.accounts[0].name).toBe(name);
    });
    it('accepts a UTF-8 byte order mark, with a warning', () => {
      const r = ok(readSie(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), file([`#KONTO 1930 "${name}"`], 'utf8')])));
      expect(r.document.accounts[0].name).toBe(name);
      expect(r.warnings[0].message).toMatch(/byte order mark/);
    });
    it('detects a PC8 file that is really UTF-8, with a warning', () => {
      const r = ok(readSie(file([`#KONTO 1930 "${name}"`], 'utf8')));
      expect(r.document.accounts[0].name).toBe(name);
      expect(r.warnings[0].message).toMatch(/valid UTF-8/);
    });
    it('reads a file declaring another #FORMAT as Latin-1 when it is not UTF-8, with warnings', () => {
      const text = ['#FLAGGA 0', '#FORMAT ISO8859-1', '#GEN 20250115', `#FNAMN "${name}"`].join('\n');
      const r = ok(readSie(iconv.encode(text, 'latin1')));
      expect(r.document.company.name).toBe(name);
      expect(r.warnings.map((w) => w.message)).toEqual(
        expect.arrayContaining(['#FORMAT is ISO8859-1, not PC8; the file was read as ISO-8859-1 (Latin-1).', '#FORMAT is "ISO8859-1"; SIE 4 files are PC8 (codepage 437).']),
      );
    });
    it('accepts LF-only files and a trailing DOS end-of-file mark', () => {
      const r = ok(readSie(Buffer.concat([iconv.encode([...HEADER, '#KONTO 1930 Bank'].join('\n'), 'cp437'), Buffer.from([0x0d, 0x0a, 0x1a])])));
      expect(r.document.accounts).toHaveLength(1);
      expect(r.warnings).toEqual([]);
    });
  });

  describe('#KSUMMA', () => {
    const doc = baseDocument([{ series: 'I', number: '1', date: '2025-01-15', text: 'Inbetalning "x"', transactions: [{ account: '1930', amountOre: 5000, objects: [{ dimension: '1', id: 'Syd' }] }, { account: '1510', amountOre: -5000 }] }]);
    const signed = (): string => iconv.decode(writeSie4(doc, { type: '4E', checksum: true }), 'cp437');

    it('accepts a file whose checksum matches, and ignores whitespace and quoting differences', () => {
      expect(readSie(iconv.encode(signed(), 'cp437')).ok).toBe(true);
      const requoted = signed().replace('#KONTO 1930 "', '#KONTO   "1930"\t"').replace('#TRANS 1510 {} -50.00', '#TRANS "1510" { } -50.00');
      expect(readSie(iconv.encode(requoted, 'cp437'))).toMatchObject({ ok: true });
    });
    it('refuses a file changed after signing', () => {
      const r = failed(readSie(iconv.encode(signed().replace('-50.00', '-50.0'), 'cp437')));
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0].message).toMatch(/^#KSUMMA says \d+ but the records between lines 2 and \d+ give \d+: the file was changed or damaged\.$/);
    });
    it('refuses a file that opens #KSUMMA and never closes it', () => {
      const r = failed(readSie(iconv.encode(signed().replace(/#KSUMMA \d+\r\n$/, ''), 'cp437')));
      expect(r.errors).toEqual([{ line: 2, message: 'The file opens a #KSUMMA checksum and never closes it; such a file must be refused.' }]);
    });
  });
});
