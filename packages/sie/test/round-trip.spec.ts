import { readSie, writeSie4, type SieDocument, type SieTransaction, type SieVoucher } from '../src';
import { baseDocument, seededRandom } from './fixtures';

function roundTrip(doc: SieDocument, type: '4I' | '4E', checksum = false): SieDocument {
  const result = readSie(writeSie4(doc, { type, checksum }));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  expect(result.warnings).toEqual([]);
  return result.document;
}

const TRICKY_TEXTS = ['åäö ÅÄÖ é', 'Say "hej"', 'back\\slash', 'trailing\\', '{braces}', '#hash', '  spaced  ', 'ü ñ £ ¥ ß ½ ±', 'tab-free 100%'];

describe('round trip (write → read → deep-equal)', () => {
  it('keeps every field of the model, in a 4E and a 4I file, with and without #KSUMMA', () => {
    const doc = baseDocument(
      [
        {
          series: 'I',
          number: '1',
          date: '2025-01-15',
          text: 'Inbetalning "BgMax" åäöÅÄÖé \\ {x}',
          registeredOn: '2025-01-16',
          registeredBy: 'Åsa',
          transactions: [
            { account: '1930', amountOre: 1456300, date: '2025-01-14' },
            { account: '1510', amountOre: -109400, text: 'K133 / Kund', objects: [{ dimension: '1', id: 'Syd' }, { dimension: '7', id: '1' }] },
            { account: '1510', amountOre: -1346900, text: 'K134 / Kund', date: '2025-01-13' },
          ],
        },
      ],
      {
        flag: 1,
        chartOfAccountsType: 'BAS2024',
        generated: { date: '2025-01-15', by: 'AN' },
        fiscalYears: [
          { index: 0, start: '2025-01-01', end: '2025-12-31' },
          { index: -1, start: '2024-01-01', end: '2024-12-31' },
        ],
        accounts: [
          { number: '1930', name: 'Företagskonto', type: 'T' },
          { number: '1510', name: 'Kundfordringar', type: 'T' },
        ],
      },
    );
    for (const type of ['4E', '4I'] as const) {
      expect(roundTrip(doc, type)).toEqual(doc);
      expect(roundTrip(doc, type, true)).toEqual(doc);
    }
  });

  it('keeps cp437 characters (å ä ö Å Ä Ö é) in names and texts', () => {
    const doc = baseDocument([], { company: { name: 'ÅÄÖ åäö é AB' }, accounts: [{ number: '3740', name: 'Öres- och kronutjämning' }] });
    expect(roundTrip(doc, '4E')).toEqual(doc);
  });

  it.each(TRICKY_TEXTS)('keeps the text %p exactly (escaping)', (text) => {
    const doc = baseDocument(
      [{ series: 'A', number: '1', date: '2025-01-15', text, transactions: [{ account: '1930', amountOre: 1, text }, { account: '1510', amountOre: -1 }] }],
      { company: { name: text } },
    );
    expect(roundTrip(doc, '4E')).toEqual(doc);
  });

  it('round-trips 500 random balanced vouchers exactly (seeded PRNG)', () => {
    const random = seededRandom(20250115);
    const int = (max: number): number => Math.floor(random() * max);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)];
    const accounts = Array.from({ length: 30 }, (_, i) => ({ number: String(1000 + i * 271), name: `Konto ${pick(TRICKY_TEXTS)} ${i}` }));
    const day = (): string => `2025-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}`;
    const amount = (): number => {
      const scale = pick([10, 1_000, 100_000, 10_000_000, 1_000_000_000_000]);
      return (1 + int(scale)) * (random() < 0.5 ? -1 : 1);
    };

    for (let round = 0; round < 20; round++) {
      const vouchers: SieVoucher[] = Array.from({ length: 25 }, (_, v) => {
        const rows: SieTransaction[] = Array.from({ length: 1 + int(6) }, () => {
          const t: SieTransaction = { account: pick(accounts).number, amountOre: amount() };
          if (random() < 0.3) t.text = pick(TRICKY_TEXTS);
          if (random() < 0.2) t.date = day();
          if (random() < 0.2) t.objects = [{ dimension: String(1 + int(10)), id: pick(['Syd', '4', 'Å 1', 'x"y']) }];
          return t;
        });
        const sum = rows.reduce((acc, t) => acc + t.amountOre, 0);
        rows.push({ account: pick(accounts).number, amountOre: sum === 0 ? 0 : -sum });
        const voucher: SieVoucher = { series: pick(['A', 'B', 'I', 'LEV1']), number: String(v + 1), date: day(), transactions: rows };
        if (random() < 0.7) voucher.text = pick(TRICKY_TEXTS);
        if (random() < 0.3) voucher.registeredOn = day();
        return voucher;
      });
      const doc = baseDocument(vouchers, { accounts });
      expect(roundTrip(doc, '4E', round % 2 === 0)).toEqual(doc);
    }
  });
});
