import iconv from 'iconv-lite';
import { readSie, SieWriteError, writeSie4, type SieDocument, type SieVoucher } from '../src';
import { ascii, baseDocument } from './fixtures';

const payment: SieVoucher = {
  series: '',
  date: '2025-01-15',
  text: 'Inbetalning BgMax dep 00074',
  transactions: [
    { account: '1930', amountOre: 190000 },
    { account: '1510', amountOre: -100000, text: 'Faktura 6559, OCR 655969' },
    { account: '1510', amountOre: -90000, text: 'Faktura 6577, OCR 657767' },
  ],
};

function refusal(doc: SieDocument, type: '4I' | '4E' = '4I'): SieWriteError {
  try {
    writeSie4(doc, { type });
  } catch (e) {
    expect(e).toBeInstanceOf(SieWriteError);
    return e as SieWriteError;
  }
  throw new Error('writeSie4 did not refuse the document');
}

describe('writeSie4', () => {
  it('writes the 4I file of formats.md §4.3 byte for byte (cp437, CRLF, only the accounts used)', () => {
    const out = writeSie4(baseDocument([payment]), { type: '4I' });
    expect(iconv.decode(out, 'cp437')).toBe(
      [
        '#FLAGGA 0',
        '#PROGRAM "Påminnelsehantering" 1.0',
        '#FORMAT PC8',
        '#GEN 20250115',
        '#SIETYP 4',
        '#ORGNR 555555-5555',
        '#FNAMN "Övningsbolaget AB"',
        '#RAR 0 20250101 20251231',
        '#VALUTA SEK',
        '#KONTO 1930 "Företagskonto/checkkonto/affärskonto"',
        '#KONTO 1510 "Kundfordringar"',
        '#VER "" "" 20250115 "Inbetalning BgMax dep 00074"',
        '{',
        '#TRANS 1930 {} 1900.00',
        '#TRANS 1510 {} -1000.00 "" "Faktura 6559, OCR 655969"',
        '#TRANS 1510 {} -900.00 "" "Faktura 6577, OCR 657767"',
        '}',
        '',
      ].join('\r\n'),
    );
    expect(ascii(out)).not.toMatch(/[^\r]\n/);
  });

  it('writes no balance records in a 4I file and every account (with #KTYP) in a 4E file', () => {
    const doc = baseDocument([{ ...payment, series: 'I', number: '1' }]);
    doc.accounts[0].type = 'T';
    const i = ascii(writeSie4(doc, { type: '4I' }));
    expect(i).not.toMatch(/^#(IB|UB|RES|PSALDO) /m);
    expect(i).not.toContain('#KONTO 8313');
    const e = ascii(writeSie4(doc, { type: '4E' }));
    expect(e).toContain('#KONTO 8313 ');
    expect(e).toContain('#KTYP 1930 T\r\n');
    expect(e).toContain('#VER I 1 20250115 ');
  });

  it('writes #KPTYP, the #GEN signature, registration date/signature, transaction date and objects', () => {
    const doc = baseDocument(
      [
        {
          series: 'I',
          number: '7',
          date: '2025-01-15',
          registeredOn: '2025-01-16',
          registeredBy: 'AN',
          transactions: [
            { account: '1930', amountOre: 100, date: '2025-01-14' },
            { account: '1510', amountOre: -100, objects: [{ dimension: '1', id: 'Syd' }, { dimension: '7', id: '4' }] },
          ],
        },
      ],
      { chartOfAccountsType: 'BAS2024', generated: { date: '2025-01-15', by: 'AN' } },
    );
    const text = ascii(writeSie4(doc, { type: '4E' }));
    expect(text).toContain('#GEN 20250115 AN\r\n');
    expect(text).toContain('#KPTYP BAS2024\r\n');
    expect(text).toContain('#VER I 7 20250115 "" 20250116 "AN"\r\n');
    expect(text).toContain('#TRANS 1930 {} 1.00 20250114\r\n');
    expect(text).toContain('#TRANS 1510 {"1" "Syd" "7" "4"} -1.00\r\n');
  });

  it('encodes å ä ö Å Ä Ö é as codepage 437 bytes', () => {
    const doc = baseDocument([{ ...payment, text: 'åäöÅÄÖé' }]);
    const out = writeSie4(doc, { type: '4I' });
    expect(out.includes(Buffer.from([0x86, 0x84, 0x94, 0x8f, 0x8e, 0x99, 0x82]))).toBe(true);
    expect(out.includes(Buffer.from('å', 'utf8'))).toBe(false);
  });

  it('escapes quotes and backslashes and quotes strings with spaces', () => {
    const doc = baseDocument([{ ...payment, text: 'Say "hej" C:\\temp\\' }], { company: { name: 'A "B" AB' } });
    const text = ascii(writeSie4(doc, { type: '4I' }));
    expect(text).toContain('#FNAMN "A \\"B\\" AB"\r\n');
    expect(text).toContain('"Say \\"hej\\" C:\\\\temp\\\\"\r\n');
    expect(text).not.toContain('#ORGNR');
  });

  it('quotes identifiers that would otherwise be read wrongly', () => {
    const doc = baseDocument([{ ...payment, series: '#', number: 'A{1}' }]);
    expect(ascii(writeSie4(doc, { type: '4I' }))).toContain('#VER "#" "A{1}" 20250115 ');
  });

  it('refuses a voucher that does not balance, with a sentence', () => {
    const e = refusal(baseDocument([payment, { ...payment, transactions: payment.transactions.slice(0, 2) }]));
    expect(e.code).toBe('UNBALANCED_VOUCHER');
    expect(e.voucherIndex).toBe(1);
    expect(e.message).toBe('Voucher 2 dated 2025-01-15 does not balance: its transactions sum to 900.00 kr instead of 0.00.');
  });

  it('refuses an unknown account', () => {
    const e = refusal(baseDocument([{ ...payment, transactions: [{ account: '1930', amountOre: 5 }, { account: '3999', amountOre: -5 }] }]));
    expect(e.code).toBe('UNKNOWN_ACCOUNT');
    expect(e.message).toMatch(/account "3999", which is not in the chart of accounts\.$/);
  });

  it.each([0.5, 12.345, NaN, Infinity, 2 ** 53])('refuses the amount %p (not an integer öre)', (amountOre) => {
    const e = refusal(baseDocument([{ ...payment, transactions: [{ account: '1930', amountOre }, { account: '1510', amountOre: -amountOre }] }]));
    expect(e.code).toBe('INVALID_AMOUNT');
    expect(e.message).toMatch(/is not a whole number of öre\.$/);
  });

  it('refuses other documents it cannot write faithfully', () => {
    expect(refusal(baseDocument([{ ...payment, transactions: [] }])).code).toBe('EMPTY_VOUCHER');
    expect(refusal(baseDocument([{ ...payment, date: '2025-02-30' }])).code).toBe('INVALID_DATE');
    expect(refusal(baseDocument([{ ...payment, text: 'two\nlines' }])).code).toBe('INVALID_FIELD');
    expect(refusal(baseDocument([{ ...payment, text: 'Zürich ✓' }])).code).toBe('UNENCODABLE_CHARACTER');
    expect(refusal(baseDocument([], { accounts: [{ number: '1930', name: 'a' }, { number: '1930', name: 'b' }] })).code).toBe('DUPLICATE_ACCOUNT');
    expect(refusal(baseDocument([], { fiscalYears: [] }), '4E').code).toBe('MISSING_FISCAL_YEAR');
    expect(refusal(baseDocument([payment]), '4E').code).toBe('INVALID_FIELD'); // 4E vouchers need series and number
    expect(refusal(baseDocument([], { sieType: 3 })).code).toBe('UNSUPPORTED_SIE_TYPE');
  });

  it('writes a #KSUMMA checksum that the reader verifies', () => {
    const out = writeSie4(baseDocument([payment]), { type: '4I', checksum: true });
    const text = ascii(out);
    expect(text).toMatch(/^#FLAGGA 0\r\n#KSUMMA\r\n/);
    expect(text).toMatch(/\r\n}\r\n#KSUMMA \d+\r\n$/);
    const read = readSie(out);
    expect(read.ok).toBe(true);
  });
});
