import { formatOre, parseAmountToOre } from '../src';

describe('formatOre', () => {
  it.each([
    [125000, '1250.00'],
    [-125000, '-1250.00'],
    [0, '0.00'],
    [5, '0.05'],
    [-5, '-0.05'],
    [99, '0.99'],
    [100, '1.00'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%d öre → %s', (ore, text) => expect(formatOre(ore)).toBe(text));

  it.each([0.5, NaN, Infinity, 2 ** 60])('refuses %p', (value) => expect(() => formatOre(value)).toThrow(RangeError));
});

describe('parseAmountToOre', () => {
  it.each([
    ['1250.00', 125000],
    ['-1250.00', -125000],
    ['-1000', -100000],
    ['12.5', 1250],
    ['0.01', 1],
    ['-0.00', 0],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('%s → %d öre', (text, ore) => expect(parseAmountToOre(text)).toBe(ore));

  it('never returns -0', () => expect(Object.is(parseAmountToOre('-0'), 0)).toBe(true));

  it.each(['+10.00', '10,00', '1.234', '', '-', '.50', '1e3', '90071992547409.92'])('rejects %p', (text) =>
    expect(parseAmountToOre(text)).toBeUndefined(),
  );
});
