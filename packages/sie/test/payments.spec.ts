/**
 * A 4I file of booked customer payments (domain.md §7, formats.md §4.3). Accounts (BAS):
 * 1930 bank (debit), 1510 kundfordringar (credit), 8313 ränteintäkter från kundfordringar (late-payment
 * interest received), 2420 förskott från kunder (an overpayment held for the customer until refunded
 * or offset) and 3740 öres- och kronutjämning (a small underpayment written off). In production these
 * accounts come from the customer's configuration; the library does not hard-code any of them.
 */
import iconv from 'iconv-lite';
import { readSie, writeSie4, type SieVoucher } from '../src';
import { baseDocument } from './fixtures';

const vouchers: SieVoucher[] = [
  {
    series: '',
    date: '2025-01-15',
    text: 'Inbetalning BgMax dep 00074',
    transactions: [
      { account: '1930', amountOre: 190000 },
      { account: '1510', amountOre: -100000, text: 'Faktura 6559, OCR 655969' },
      { account: '1510', amountOre: -90000, text: 'Faktura 6577, OCR 657767' },
    ],
  },
  {
    series: '',
    date: '2025-01-16',
    text: 'Inbetalning camt.054 med ränta',
    transactions: [
      { account: '1930', amountOre: 104550 },
      { account: '1510', amountOre: -100000, text: 'Faktura 6601, OCR 660109' },
      { account: '8313', amountOre: -4550, text: 'Dröjsmålsränta faktura 6601' },
    ],
  },
  {
    series: '',
    date: '2025-01-17',
    text: 'Överbetalning',
    transactions: [
      { account: '1930', amountOre: 125000 },
      { account: '1510', amountOre: -120000, text: 'Faktura 6620, OCR 662009' },
      { account: '2420', amountOre: -5000, text: 'Överbetalt faktura 6620' },
    ],
  },
  {
    series: '',
    date: '2025-01-17',
    text: 'Underbetalning, öresavrundning',
    transactions: [
      { account: '1930', amountOre: 99950 },
      { account: '3740', amountOre: 50, text: 'Avrundning faktura 6633' },
      { account: '1510', amountOre: -100000, text: 'Faktura 6633, OCR 663306' },
    ],
  },
];

describe('4I file of booked payments', () => {
  const doc = baseDocument(vouchers);
  const out = writeSie4(doc, { type: '4I' });
  const text = iconv.decode(out, 'cp437');

  it('debits 1930 and credits 1510 per invoice, with interest on 8313, an overpayment on 2420 and a write-off on 3740', () => {
    expect(text).toContain(
      ['#VER "" "" 20250116 "Inbetalning camt.054 med ränta"', '{', '#TRANS 1930 {} 1045.50', '#TRANS 1510 {} -1000.00 "" "Faktura 6601, OCR 660109"', '#TRANS 8313 {} -45.50 "" "Dröjsmålsränta faktura 6601"', '}'].join('\r\n'),
    );
    expect(text).toContain('#TRANS 2420 {} -50.00 "" "Överbetalt faktura 6620"\r\n');
    expect(text).toContain('#TRANS 3740 {} 0.50 "" "Avrundning faktura 6633"\r\n');
    expect(text.match(/^#VER "" "" /gm)).toHaveLength(4);
  });

  it('is a 4I file: mandatory header records, no balances, only the accounts used', () => {
    const labels = text.split('\r\n').map((line) => line.split(' ')[0]);
    expect(labels.slice(0, 9)).toEqual(['#FLAGGA', '#PROGRAM', '#FORMAT', '#GEN', '#SIETYP', '#ORGNR', '#FNAMN', '#RAR', '#VALUTA']);
    expect(text).not.toMatch(/^#(IB|UB|RES|PSALDO|PBUDGET) /m);
    expect(text.match(/^#KONTO (\d+)/gm)).toEqual(['#KONTO 1930', '#KONTO 1510', '#KONTO 2420', '#KONTO 3740', '#KONTO 8313']);
  });

  it('reads back to the same document', () => {
    const read = readSie(out);
    expect(read).toEqual({ ok: true, document: doc, warnings: [] });
  });
});
