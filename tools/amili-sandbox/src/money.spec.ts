import { formatSek, oreToSek, sekToOre } from './money';

describe('money', () => {
  it.each([
    [1250, 125_000],
    [1250.5, 125_050],
    [0.1, 10],
    [0.29, 29],
    [1.15, 115],
    [19.99, 1_999],
    [0, 0],
  ])('sekToOre(%p) = %p', (sek, ore) => {
    expect(sekToOre(sek)).toBe(ore);
  });

  it.each([[10.005], [0.1 + 0.2], [NaN], [Infinity], ['12'], [null], [1e13]])('refuses %p', (value) => {
    expect(sekToOre(value)).toBeUndefined();
  });

  it('converts back to the shortest decimal JSON prints', () => {
    expect(JSON.stringify(oreToSek(131_329))).toBe('1313.29');
    expect(oreToSek(10)).toBe(0.1);
    expect(() => oreToSek(1.5)).toThrow(RangeError);
  });

  it('formats Swedish amounts', () => {
    expect(formatSek(125_050)).toBe('1\u00a0250,50\u00a0kr');
    expect(formatSek(5)).toBe('0,05\u00a0kr');
    expect(formatSek(123_456_789)).toBe('1\u00a0234\u00a0567,89\u00a0kr');
  });
});
