import {
  MAX_WIRE_ORE,
  formatSek,
  isoToRfc1123,
  isRfc1123,
  localDateToRfc1123,
  oreToSek,
  rfc1123ToIso,
  rfc1123ToLocalDate,
  sekToOre,
  trySekToOre,
} from '../src/money-and-dates';

/** A small deterministic generator (mulberry32), so a failing value can be reproduced. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Amounts from 0 öre to the largest exact one, every order of magnitude equally often. */
function oreSamples(count: number, seed = 42): number[] {
  const random = rng(seed);
  const samples = [0, 1, 5, 9, 10, 99, 100, 101, 110, 115, 1005, 125_050, MAX_WIRE_ORE, MAX_WIRE_ORE - 9];
  while (samples.length < count) {
    const magnitude = 10 ** (1 + Math.floor(random() * 15));
    samples.push(Math.floor(random() * magnitude));
  }
  return samples;
}

describe('öre ⇄ decimal SEK', () => {
  it('formats with exactly two decimals', () => {
    expect(formatSek(0)).toBe('0.00');
    expect(formatSek(5)).toBe('0.05');
    expect(formatSek(125_050)).toBe('1250.50');
    expect(formatSek(-5)).toBe('-0.05');
    expect(formatSek(-123_456)).toBe('-1234.56');
    expect(() => formatSek(1.5)).toThrow(RangeError);
  });

  it('round-trips every amount through the JSON number the partner sees', () => {
    for (const ore of oreSamples(5000)) {
      const wire = JSON.parse(JSON.stringify({ amount: oreToSek(ore) })).amount;
      expect(sekToOre(wire)).toBe(ore);
      expect(sekToOre(formatSek(ore))).toBe(ore);
      expect(sekToOre(-oreToSek(ore))).toBe(ore === 0 ? 0 : -ore);
    }
  });

  it('writes the decimal itself into JSON, never a binary approximation', () => {
    for (const ore of oreSamples(2000, 7)) {
      const text = JSON.stringify(oreToSek(ore));
      expect(text).toBe(formatSek(ore).replace(/\.?0+$/, '')); // '1250.50' → 1250.5, '1250.00' → 1250
    }
  });

  it('refuses more than two decimals, including the ones floating-point sums produce', () => {
    const random = rng(3);
    for (let i = 0; i < 2000; i++) {
      const whole = Math.floor(random() * 100_000);
      const thousandths = 1 + Math.floor(random() * 999);
      if (thousandths % 10 === 0) continue; // 12.340 is 12.34: two decimals
      const text = `${whole}.${String(thousandths).padStart(3, '0')}`;
      expect(trySekToOre(text).ok).toBe(false);
      expect(trySekToOre(Number(text)).ok).toBe(false);
    }
    expect(trySekToOre(0.1 + 0.2)).toEqual({ ok: false, reason: expect.stringMatching(/more than two decimals/) });
    expect(() => sekToOre(1.005)).toThrow(/more than two decimals/);
  });

  it('reads exponents, signs and trailing zeros by moving the decimal point in the text', () => {
    expect(sekToOre('1.25e3')).toBe(125_000);
    expect(sekToOre('125e-2')).toBe(125);
    expect(sekToOre(1e21 / 1e10)).toBe(1e13);
    expect(sekToOre('1250.500')).toBe(125_050);
    expect(sekToOre('+0.05')).toBe(5);
    expect(sekToOre('.5')).toBe(50);
    expect(sekToOre(-0)).toBe(0);
    expect(trySekToOre(5e-7).ok).toBe(false);
  });

  it('refuses what is not an amount', () => {
    for (const value of [null, undefined, true, {}, [], '', '.', '12,50', '1 250.00', 'NaN', NaN, Infinity, '1e400', '0x10'])
      expect(trySekToOre(value).ok).toBe(false);
    expect(trySekToOre(Number.MAX_SAFE_INTEGER).ok).toBe(false);
    expect(trySekToOre('10000000000000.00').ok).toBe(false); // 10^13 SEK: more digits than a double keeps exact
    expect(() => oreToSek(MAX_WIRE_ORE + 1)).toThrow(/too large/);
  });
});

describe('dates ⇄ RFC 1123', () => {
  it('round-trips calendar days 1970–2100 (every 7th day, so every weekday and month shows up)', () => {
    let day = Date.UTC(1970, 0, 1);
    const end = Date.UTC(2100, 11, 31);
    let count = 0;
    for (; day <= end; day += 86_400_000 * 7) {
      const iso = new Date(day).toISOString().slice(0, 10);
      const rfc = localDateToRfc1123(iso);
      expect(rfc).toBe(new Date(day).toUTCString());
      expect(rfc1123ToLocalDate(rfc)).toBe(iso);
      count++;
    }
    expect(count).toBeGreaterThan(6000);
  });

  it('round-trips instants at second resolution', () => {
    const random = rng(11);
    for (let i = 0; i < 3000; i++) {
      const ms = Date.UTC(2000, 0, 1) + Math.floor(random() * 100 * 365 * 86_400_000);
      const iso = new Date(ms).toISOString();
      const rfc = isoToRfc1123(iso);
      expect(rfc1123ToIso(rfc)).toBe(new Date(Math.floor(ms / 1000) * 1000).toISOString());
    }
    expect(isoToRfc1123('2026-11-24T14:30:00+01:00')).toBe('Tue, 24 Nov 2026 13:30:00 GMT');
  });

  it("takes an instant's date in Stockholm, where dates without time stay on their day", () => {
    expect(rfc1123ToLocalDate('Tue, 24 Nov 2026 00:00:00 GMT')).toBe('2026-11-24');
    expect(rfc1123ToLocalDate('Tue, 24 Nov 2026 23:30:00 GMT')).toBe('2026-11-25');
    expect(rfc1123ToLocalDate('Wed, 24 Jun 2026 22:30:00 GMT')).toBe('2026-06-25'); // summer time, UTC+2
  });

  it('refuses what is not RFC 1123 or not a real date', () => {
    for (const value of ['2026-11-24', 'Tue, 31 Feb 2026 00:00:00 GMT', 'Tue, 24 Nov 2026 24:00:00 GMT', 'Tue, 24 Nov 2026 00:00 GMT', 'Tue, 24 Nov 2026 00:00:00 CET', ''])
      expect(isRfc1123(value)).toBe(false);
    expect(isRfc1123('24 Nov 2026 10:00:00 GMT')).toBe(true); // the weekday is optional
    expect(() => localDateToRfc1123('2026-02-30')).toThrow(RangeError);
    expect(() => isoToRfc1123('2026-11-24T10:00:00')).toThrow(RangeError); // no zone: machine-dependent
    expect(() => rfc1123ToIso('yesterday')).toThrow(RangeError);
  });
});
