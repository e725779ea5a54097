import { oreToInput, parseKronor } from '../../src/format/amounts';
import { fileNameFromDisposition, formatAmountPlain, formatBytes, newUuid } from '../../src/features/payments/money';
import { checkSplit } from '../../src/features/payments/MatchDialog';

describe('Typed kronor amounts', () => {
  it.each([
    ['1250', 125_000],
    ['1 250,50', 125_050],
    ['1\u00a0250,5', 125_050],
    ['1250.5', 125_050],
    ['0,01', 1],
    ['12 kr', 1_200],
    ['12,-', 1_200],
    ['1.250,50', 125_050],
    ['1,250.50', 125_050],
    ['007', 700],
    ['123456789012,34', 12_345_678_901_234],
  ])('sv: %s → %i öre', (text, ore) => expect(parseKronor(text, 'sv')).toBe(ore));

  it.each(['', 'abc', '12,345', '-5', '1,2,3', '1 2a', '1.2345', '12345678901234,00'])('sv refuses %p', (text) => expect(parseKronor(text, 'sv')).toBeNull());

  it('reads English digit grouping', () => {
    expect(parseKronor('1,250', 'en')).toBe(125_000);
    expect(parseKronor('1,250,000.75', 'en')).toBe(125_000_075);
    expect(parseKronor('SEK 99.90', 'en')).toBe(9_990);
    expect(parseKronor('1,250', 'sv')).toBeNull();
  });

  it('writes öre back as a field value without floating point', () => {
    expect(oreToInput(100_000, 'sv')).toBe('1000,00');
    expect(oreToInput(5, 'en')).toBe('0.05');
    expect(oreToInput(12_345_678_901_234, 'sv')).toBe('123456789012,34');
    expect(parseKronor(oreToInput(987_654_321, 'sv'), 'sv')).toBe(987_654_321);
    expect(formatAmountPlain(123_456_789, 'en')).toBe('1,234,567.89');
    expect(formatAmountPlain(9_900, 'sv')).toBe('99,00');
  });
});

describe('A split', () => {
  const rows = (...lines: Array<[string, string]>) => lines.map(([invoiceNumber, amount], index) => ({ key: index, invoiceNumber, amount }));
  it('adds up in öre and is valid only when it equals the payment', () => {
    expect(checkSplit(rows(['1001', '0,10'], ['1002', '0,20']), '', 30, 'sv')).toMatchObject({ placedOre: 30, restOre: 0, valid: true });
    expect(checkSplit(rows(['1001', '0,10'], ['1002', '0,20']), '0,01', 30, 'sv')).toMatchObject({ placedOre: 31, restOre: -1, valid: false });
    expect(checkSplit(rows(['1001', '1000']), '250', 125_000, 'sv')).toMatchObject({ creditOre: 25_000, valid: true });
    expect(checkSplit(rows(['1001', 'x']), '', 100, 'sv').lines[0].amountError).toBe(true);
    expect(checkSplit(rows(['1001', '0']), '', 0, 'sv').valid).toBe(false);
    expect(checkSplit([], '', 0, 'sv').valid).toBe(false);
    expect(checkSplit(rows(['1001', '1'], ['1001', '1']), '', 200, 'sv')).toMatchObject({ duplicate: '1001', valid: false });
  });
});

describe('Small helpers', () => {
  it('read the file name of a Content-Disposition header', () => {
    expect(fileNameFromDisposition('attachment; filename="betalningar-2026-01-01-2026-11-30.si"')).toBe('betalningar-2026-01-01-2026-11-30.si');
    expect(fileNameFromDisposition('attachment; filename=plain.si')).toBe('plain.si');
    expect(fileNameFromDisposition("attachment; filename=\"x.si\"; filename*=UTF-8''betalningar%20%C3%A5r.si")).toBe('betalningar år.si');
    expect(fileNameFromDisposition('attachment')).toBeNull();
    expect(fileNameFromDisposition(null)).toBeNull();
  });
  it('make UUIDs without randomUUID too, and write file sizes', () => {
    expect(newUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Outside a secure context (plain http on a LAN address) browsers have no crypto.randomUUID.
    const own = Object.getOwnPropertyDescriptor(crypto, 'randomUUID');
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true, writable: true });
    try {
      expect(newUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      if (own) Object.defineProperty(crypto, 'randomUUID', own);
      else delete (crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof crypto.randomUUID).toBe('function');
    expect(formatBytes(512, 'sv')).toBe('512 byte');
    expect(formatBytes(12_800, 'en')).toBe('13 kB');
    expect(formatBytes(3_565_158, 'sv')).toBe('3,4 MB');
  });
});
