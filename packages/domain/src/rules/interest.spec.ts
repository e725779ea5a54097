import {
  computeLatePaymentInterest,
  DEFAULT_REFERENCE_RATES,
  InterestRateUnknownError,
  type ReferenceRateTable,
} from './interest';

const rates = DEFAULT_REFERENCE_RATES;
const TEN_THOUSAND_KR = 1_000_000; // öre
const HUNDRED_THOUSAND_KR = 10_000_000;

describe('DEFAULT_REFERENCE_RATES', () => {
  it('holds only the half-years the brief states as known, and cannot be mutated', () => {
    expect(DEFAULT_REFERENCE_RATES).toEqual([
      { from: '2023-01-01', rateBasisPoints: 250 },
      { from: '2023-07-01', rateBasisPoints: 350 },
      { from: '2024-01-01', rateBasisPoints: 400 },
    ]);
    expect(Object.isFrozen(DEFAULT_REFERENCE_RATES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_REFERENCE_RATES[0])).toBe(true);
  });
});

describe('computeLatePaymentInterest', () => {
  it('a whole year split at the half-year change: reference rate + 8 points, actual days / 365', () => {
    const r = computeLatePaymentInterest({ capitalOre: HUNDRED_THOUSAND_KR, from: '2023-01-01', to: '2023-12-31', rates });
    expect(r.periods).toEqual([
      // 10 000 000 × 10.50 % × 181 / 365 = 520 684.93
      { from: '2023-01-01', to: '2023-06-30', days: 181, rateBasisPoints: 1050, interestOre: 520_685, estimated: false },
      // 10 000 000 × 11.50 % × 184 / 365 = 579 726.03
      { from: '2023-07-01', to: '2023-12-31', days: 184, rateBasisPoints: 1150, interestOre: 579_726, estimated: false },
    ]);
    expect(r.interestOre).toBe(1_100_411);
    expect(r.estimated).toBe(false);
  });

  it('counts both ends: a single day', () => {
    // 1 000 000 öre × 10.5 % / 365 = 287.67
    const r = computeLatePaymentInterest({ capitalOre: TEN_THOUSAND_KR, from: '2023-03-01', to: '2023-03-01', rates });
    expect(r.periods).toHaveLength(1);
    expect(r.periods[0].days).toBe(1);
    expect(r.interestOre).toBe(288);
  });

  it('divides by 365 in a leap year too', () => {
    // 2024-01-01..2024-06-30 = 182 days at 12 %: 10 000 000 × 0.12 × 182 / 365 = 598 356.16
    const r = computeLatePaymentInterest({ capitalOre: HUNDRED_THOUSAND_KR, from: '2024-01-01', to: '2024-06-30', rates });
    expect(r.periods).toEqual([
      { from: '2024-01-01', to: '2024-06-30', days: 182, rateBasisPoints: 1200, interestOre: 598_356, estimated: false },
    ]);
    expect(r.estimated).toBe(false);
  });

  it('rounds half up, per period', () => {
    // 36 500 öre × 10.5 % / 365 = exactly 10.5 öre → 11; one öre less → 10.4997 → 10
    expect(computeLatePaymentInterest({ capitalOre: 36_500, from: '2023-03-01', to: '2023-03-01', rates }).interestOre).toBe(11);
    expect(computeLatePaymentInterest({ capitalOre: 36_499, from: '2023-03-01', to: '2023-03-01', rates }).interestOre).toBe(10);
    // 10.5 at 10.5 % and 11.5 at 11.5 %: rounded per period → 11 + 12 = 23 (the unrounded sum is 22)
    const r = computeLatePaymentInterest({ capitalOre: 36_500, from: '2023-06-30', to: '2023-07-01', rates });
    expect(r.periods.map((p) => p.interestOre)).toEqual([11, 12]);
    expect(r.interestOre).toBe(23);
  });

  it('is exact where floating point is not', () => {
    // 8 979 000 000 036 500 öre × 10.5 % × 181 / 365 = 467 523 000 001 900.5 exactly → …901.
    // In doubles the product loses precision and rounds to …900.
    const r = computeLatePaymentInterest({ capitalOre: 8_979_000_000_036_500, from: '2023-01-01', to: '2023-06-30', rates });
    expect(r.interestOre).toBe(467_523_000_001_901);
  });

  it('uses the latest rate past the configured half-years and flags the result as estimated', () => {
    const r = computeLatePaymentInterest({ capitalOre: HUNDRED_THOUSAND_KR, from: '2024-06-01', to: '2024-07-31', rates });
    expect(r.periods).toEqual([
      { from: '2024-06-01', to: '2024-06-30', days: 30, rateBasisPoints: 1200, interestOre: 98_630, estimated: false },
      { from: '2024-07-01', to: '2024-07-31', days: 31, rateBasisPoints: 1200, interestOre: 101_918, estimated: true },
    ]);
    expect(r.interestOre).toBe(200_548);
    expect(r.estimated).toBe(true);
  });

  it('splits estimated time at each half-year, where a real rate will later be configured', () => {
    const r = computeLatePaymentInterest({ capitalOre: HUNDRED_THOUSAND_KR, from: '2024-06-30', to: '2025-01-01', rates });
    expect(r.periods.map((p) => [p.from, p.to, p.days, p.estimated])).toEqual([
      ['2024-06-30', '2024-06-30', 1, false],
      ['2024-07-01', '2024-12-31', 184, true],
      ['2025-01-01', '2025-01-01', 1, true],
    ]);
  });

  it('is not estimated once the half-year is configured (rates are configuration)', () => {
    const extended: ReferenceRateTable = [...rates, { from: '2024-07-01', rateBasisPoints: 375 }]; // illustrative value
    const r = computeLatePaymentInterest({ capitalOre: HUNDRED_THOUSAND_KR, from: '2024-07-01', to: '2024-07-31', rates: extended });
    // 10 000 000 × 11.75 % × 31 / 365 = 99 794.52
    expect(r).toEqual({
      interestOre: 99_795,
      estimated: false,
      periods: [{ from: '2024-07-01', to: '2024-07-31', days: 31, rateBasisPoints: 1175, interestOre: 99_795, estimated: false }],
    });
  });

  it('accepts an unsorted table and a different margin', () => {
    const unsorted: ReferenceRateTable = [
      { from: '2023-07-01', rateBasisPoints: 350 },
      { from: '2023-01-01', rateBasisPoints: 250 },
    ];
    // 10 days at 2.5 % (no margin): 10 000 000 × 0.025 × 10 / 365 = 6 849.32
    const r = computeLatePaymentInterest({
      capitalOre: HUNDRED_THOUSAND_KR,
      from: '2023-01-01',
      to: '2023-01-10',
      rates: unsorted,
      marginBasisPoints: 0,
    });
    expect(r.interestOre).toBe(6_849);
    expect(r.periods[0].rateBasisPoints).toBe(250);
  });

  it('returns nothing for an empty range, and zero on zero capital', () => {
    expect(computeLatePaymentInterest({ capitalOre: HUNDRED_THOUSAND_KR, from: '2024-03-02', to: '2024-03-01', rates })).toEqual({
      interestOre: 0,
      periods: [],
      estimated: false,
    });
    const zero = computeLatePaymentInterest({ capitalOre: 0, from: '2023-01-01', to: '2023-12-31', rates });
    expect(zero.interestOre).toBe(0);
    expect(zero.periods).toHaveLength(2);
  });

  it("throws INTEREST.RATE_UNKNOWN before the first configured rate", () => {
    const call = (): unknown => computeLatePaymentInterest({ capitalOre: 100, from: '2022-12-31', to: '2023-01-31', rates });
    expect(call).toThrow(InterestRateUnknownError);
    expect(call).toThrow(expect.objectContaining({ code: 'INTEREST.RATE_UNKNOWN', date: '2022-12-31' }));
    expect(() => computeLatePaymentInterest({ capitalOre: 100, from: '2024-01-01', to: '2024-01-02', rates: [] })).toThrow(
      expect.objectContaining({ code: 'INTEREST.RATE_UNKNOWN' }),
    );
  });

  it('refuses bad input and bad configuration', () => {
    const base = { from: '2023-01-01', to: '2023-01-31', rates };
    expect(() => computeLatePaymentInterest({ ...base, capitalOre: -1 })).toThrow(RangeError);
    expect(() => computeLatePaymentInterest({ ...base, capitalOre: 10.5 })).toThrow(RangeError);
    expect(() => computeLatePaymentInterest({ ...base, capitalOre: 100, from: '2023-02-30' })).toThrow(RangeError);
    const duplicate = [...rates, { from: '2024-01-01', rateBasisPoints: 375 }];
    expect(() => computeLatePaymentInterest({ ...base, capitalOre: 100, rates: duplicate })).toThrow(/Two reference rates/);
    expect(() => computeLatePaymentInterest({ ...base, capitalOre: 100, rates: [{ from: '2023-01-01', rateBasisPoints: 2.5 }] })).toThrow(
      RangeError,
    );
  });

  it('refuses a result beyond the safe integer range rather than lose precision', () => {
    expect(() =>
      computeLatePaymentInterest({
        capitalOre: Number.MAX_SAFE_INTEGER,
        from: '2023-01-01',
        to: '2023-06-30',
        rates,
        marginBasisPoints: 1_000_000,
      }),
    ).toThrow(/safe integer/);
  });
});
