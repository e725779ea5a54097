import { dayToRfc1123, parseRfc1123, parseRfc1123Date, toRfc1123 } from './dates';

describe('RFC 1123 dates', () => {
  it('round-trips', () => {
    const ms = Date.UTC(2025, 6, 7, 13, 5, 9);
    expect(toRfc1123(ms)).toBe('Mon, 07 Jul 2025 13:05:09 GMT');
    expect(parseRfc1123('Mon, 07 Jul 2025 13:05:09 GMT')).toBe(ms);
  });

  it.each(['Tue, 07 Jul 2025 00:00:00 GMT', 'Mon, 31 Feb 2025 00:00:00 GMT', '2025-07-07', 'Mon, 07 Jul 2025 24:00:00 GMT', 'Mon, 07 Jul 2025 00:00:00 UTC', 7])(
    'refuses %p',
    (value) => {
      expect(parseRfc1123(value)).toBeUndefined();
    },
  );

  it('reads date-only fields as days, and only at midnight', () => {
    const day = parseRfc1123Date('Thu, 01 Oct 2026 00:00:00 GMT');
    expect(day).toBe(Date.UTC(2026, 9, 1) / 86_400_000);
    expect(dayToRfc1123(day!)).toBe('Thu, 01 Oct 2026 00:00:00 GMT');
    expect(parseRfc1123Date('Thu, 01 Oct 2026 12:00:00 GMT')).toBeUndefined();
  });
});
