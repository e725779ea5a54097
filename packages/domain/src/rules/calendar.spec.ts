import {
  addDays,
  daysBetween,
  firstOverdueDate,
  isBankDay,
  isLocalDate,
  isOverdue,
  isSwedishPublicHoliday,
  lastDayToPayOnTime,
  nextBankDayOnOrAfter,
  stockholmDate,
  swedishHolidayName,
} from './calendar';

// An independent reference for the holiday data, from lag (1989:253) om allmänna helgdagar plus
// the three eves banks keep closed. Kept in the spec so a date-holidays upgrade cannot drift.
function easterSunday(y: number): string {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
const dow = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();
const firstOnOrAfter = (from: string, weekday: number): string => {
  let d = from;
  while (dow(d) !== weekday) d = addDays(d, 1);
  return d;
};
function referencePublicHolidays(y: number): string[] {
  const easter = easterSunday(y);
  return [
    `${y}-01-01`, // nyårsdagen
    `${y}-01-06`, // trettondedag jul
    addDays(easter, -2), // långfredagen
    easter, // påskdagen
    addDays(easter, 1), // annandag påsk
    `${y}-05-01`, // första maj
    addDays(easter, 39), // Kristi himmelsfärdsdag
    addDays(easter, 49), // pingstdagen (always a Sunday)
    `${y}-06-06`, // nationaldagen
    firstOnOrAfter(`${y}-06-20`, 6), // midsommardagen: Saturday 20–26 June
    firstOnOrAfter(`${y}-10-31`, 6), // alla helgons dag: Saturday 31 Oct–6 Nov
    `${y}-12-25`, // juldagen
    `${y}-12-26`, // annandag jul
  ].sort();
}
const referenceBankClosedEves = (y: number): string[] =>
  [firstOnOrAfter(`${y}-06-19`, 5), `${y}-12-24`, `${y}-12-31`].sort(); // midsommar-, jul-, nyårsafton

function datesOfYear(y: number): string[] {
  const out: string[] = [];
  for (let d = `${y}-01-01`; d.startsWith(String(y)); d = addDays(d, 1)) out.push(d);
  return out;
}

describe('holiday data (date-holidays, SE) against the independent reference', () => {
  it('knows the Easter dates the tests below rely on', () => {
    expect([2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030].map(easterSunday)).toEqual([
      '2023-04-09', '2024-03-31', '2025-04-20', '2026-04-05', '2027-03-28', '2028-04-16', '2029-04-01', '2030-04-21',
    ]);
  });

  it.each(Array.from({ length: 18 }, (_, i) => 2023 + i))('%i: same public holidays and bank-closed eves', (y) => {
    const days = datesOfYear(y);
    expect(days.filter(isSwedishPublicHoliday)).toEqual(referencePublicHolidays(y));
    const closedWeekdays = days.filter((d) => dow(d) !== 0 && dow(d) !== 6 && !isBankDay(d));
    const expectedClosed = [...referencePublicHolidays(y), ...referenceBankClosedEves(y)].filter((d) => dow(d) !== 0 && dow(d) !== 6);
    expect(closedWeekdays).toEqual([...new Set(expectedClosed)].sort());
  });
});

describe('isSwedishPublicHoliday / isBankDay', () => {
  it.each([
    ['2026-06-06', 'nationaldagen on a Saturday'],
    ['2025-06-06', 'nationaldagen on a Friday'],
    ['2027-03-26', 'långfredagen'],
    ['2027-03-29', 'annandag påsk'],
    ['2026-05-14', 'Kristi himmelsfärdsdag'],
    ['2026-06-20', 'midsommardagen'],
    ['2026-10-31', 'alla helgons dag'],
    ['2026-12-26', 'annandag jul on a Saturday'],
  ])('%s is a public holiday (%s)', (date) => {
    expect(isSwedishPublicHoliday(date)).toBe(true);
    expect(isBankDay(date)).toBe(false);
  });

  it('midsommarafton, julafton and nyårsafton are not public holidays, but banks are closed', () => {
    for (const eve of ['2026-06-19', '2025-12-24', '2026-12-31']) {
      expect(isSwedishPublicHoliday(eve)).toBe(false);
      expect(isBankDay(eve)).toBe(false);
    }
    expect(swedishHolidayName('2026-06-19')).toBe('midsommarafton');
    expect(swedishHolidayName('2026-12-26')).toBe('annandag jul');
    expect(swedishHolidayName('2026-12-28')).toBeUndefined();
  });

  it('other eves and days off in practice are ordinary bank days', () => {
    expect(isBankDay('2026-04-30')).toBe(true); // valborgsmässoafton
    expect(isBankDay('2026-10-30')).toBe(true); // allhelgonaafton
    expect(isBankDay('2026-01-05')).toBe(true); // trettondagsafton
    expect(isBankDay('2026-04-02')).toBe(true); // skärtorsdagen
    expect(isBankDay('2026-05-25')).toBe(true); // annandag pingst, not a holiday since 2005
  });

  it('weekends are never bank days; an ordinary Sunday is not a named holiday', () => {
    expect(isBankDay('2026-03-28')).toBe(false);
    expect(isBankDay('2026-03-29')).toBe(false);
    expect(isSwedishPublicHoliday('2026-03-29')).toBe(false);
    expect(isBankDay('2026-03-30')).toBe(true);
  });

  it('rejects malformed dates', () => {
    expect(() => isBankDay('2026-02-29')).toThrow(RangeError);
    expect(() => isSwedishPublicHoliday('2026-6-6')).toThrow(RangeError);
  });
});

describe('lastDayToPayOnTime / nextBankDayOnOrAfter / firstOverdueDate', () => {
  it.each([
    ['2026-03-18', '2026-03-18', 'an ordinary Wednesday stays'],
    ['2026-12-26', '2026-12-28', 'Saturday annandag jul → Monday'],
    ['2027-03-27', '2027-03-30', 'Saturday before Easter → Tuesday after annandag påsk'],
    ['2027-03-26', '2027-03-30', 'långfredagen → Tuesday'],
    ['2026-06-19', '2026-06-22', 'midsommarafton (Friday) → Monday'],
    ['2025-12-24', '2025-12-29', 'julafton (Wednesday) → Monday 29th'],
    ['2026-12-24', '2026-12-28', 'julafton (Thursday) → Monday 28th'],
    ['2026-12-31', '2027-01-04', 'nyårsafton (Thursday) → past nyårsdagen and the weekend'],
    ['2024-06-06', '2024-06-07', 'nationaldagen on a Thursday → Friday'],
    ['2025-06-06', '2025-06-09', 'nationaldagen on a Friday → Monday'],
    ['2026-06-06', '2026-06-08', 'nationaldagen on a Saturday → Monday'],
    ['2027-06-06', '2027-06-07', 'nationaldagen on a Sunday → Monday'],
    ['2026-05-14', '2026-05-15', 'Kristi himmelsfärdsdag → Friday'],
    ['2027-01-06', '2027-01-07', 'trettondedag jul (Wednesday) → Thursday'],
  ])('due %s → last day %s (%s)', (due, last) => {
    expect(lastDayToPayOnTime(due)).toBe(last);
    expect(nextBankDayOnOrAfter(due)).toBe(last);
    expect(firstOverdueDate(due)).toBe(addDays(last, 1));
  });

  it('the first overdue day may itself be a holiday', () => {
    expect(firstOverdueDate('2026-12-23')).toBe('2026-12-24');
  });
});

describe('stockholmDate', () => {
  it.each([
    ['2026-10-24T22:30:00Z', '2026-10-25'], // CEST (+2): 00:30 on the night summer time ends
    ['2026-10-25T22:30:00Z', '2026-10-25'], // CET (+1) again: 23:30
    ['2026-10-25T00:59:59Z', '2026-10-25'], // 02:59:59 CEST, just before clocks go back
    ['2026-03-28T23:30:00Z', '2026-03-29'], // CET (+1): 00:30 on the night summer time starts
    ['2026-03-29T21:59:59Z', '2026-03-29'], // CEST (+2): 23:59:59
    ['2026-03-29T22:00:00Z', '2026-03-30'],
    ['2026-12-31T22:59:59.999Z', '2026-12-31'],
    ['2026-12-31T23:00:00Z', '2027-01-01'],
    ['2026-06-01T00:30:00+02:00', '2026-06-01'],
    ['2026-06-01T00:30:00+0300', '2026-05-31'],
  ])('%s → %s', (instant, date) => {
    expect(stockholmDate(instant)).toBe(date);
  });

  it('takes Date objects', () => {
    expect(stockholmDate(new Date(Date.UTC(2026, 9, 24, 22, 30)))).toBe('2026-10-25');
  });

  it("agrees with Intl's Stockholm date at every instant tried: every 37 minutes or so around each DST switch, and at random since 1850", () => {
    const reference = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
    const instants: number[] = [];
    // The switches of 1980–2040 lie in the last week of March and of October (and September before 1996).
    for (let year = 1980; year <= 2040; year++) {
      for (const month of [2, 8, 9]) {
        const from = Date.UTC(year, month, 24);
        for (let t = from; t < from + 8 * 86_400_000; t += 37 * 60_000 + 13_001) instants.push(t);
      }
    }
    // Stockholm's own time (+01:00:14) gave way to CET at local midnight, 1899-12-31T22:59:46Z: not on an hour.
    for (let t = Date.UTC(1899, 11, 31, 22, 0); t < Date.UTC(1900, 0, 1, 0, 0); t += 1_000) instants.push(t);
    let seed = 42;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 10_000; i++) instants.push(Date.UTC(1850, 0, 1) + Math.floor(random() * 300 * 365.25 * 86_400_000));
    const wrong = instants.filter((t) => stockholmDate(new Date(t)) !== reference.format(new Date(t)));
    expect(wrong.map((t) => new Date(t).toISOString())).toEqual([]);
  });

  it('does not depend on the process time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(stockholmDate('2026-03-28T23:30:00Z')).toBe('2026-03-29');
      expect(isOverdue('2026-12-26', '2026-12-28T23:00:00Z')).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('refuses strings that do not say their zone, and invalid instants', () => {
    expect(() => stockholmDate('2026-03-28T23:30:00')).toThrow(RangeError);
    expect(() => stockholmDate('2026-03-28')).toThrow(RangeError);
    expect(() => stockholmDate('2026-02-30T10:00:00Z')).toThrow(RangeError);
    expect(() => stockholmDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('isOverdue', () => {
  it('is not overdue until the Stockholm day after the last day to pay on time', () => {
    // Due Saturday 2026-12-26, on time through Monday 2026-12-28 (Stockholm = UTC+1 in winter).
    expect(isOverdue('2026-12-26', '2026-12-27T12:00:00Z')).toBe(false);
    expect(isOverdue('2026-12-26', '2026-12-28T22:59:59Z')).toBe(false);
    expect(isOverdue('2026-12-26', '2026-12-28T23:00:00Z')).toBe(true);
  });
  it('uses summer time in summer', () => {
    expect(isOverdue('2026-06-17', '2026-06-17T21:59:59Z')).toBe(false);
    expect(isOverdue('2026-06-17', '2026-06-17T22:00:00Z')).toBe(true);
  });
  it('midsommar: due Friday 2026-06-19, on time through Monday 2026-06-22', () => {
    expect(isOverdue('2026-06-19', '2026-06-22T21:59:59Z')).toBe(false);
    expect(isOverdue('2026-06-19', '2026-06-22T22:00:00Z')).toBe(true);
  });
});

describe('addDays / daysBetween / isLocalDate', () => {
  it('adds across month, leap day, year and DST changes', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-30', -2)).toBe('2026-03-28');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2026-01-01', 0)).toBe('2026-01-01');
  });
  it('counts calendar days, signed', () => {
    expect(daysBetween('2026-01-01', '2026-01-02')).toBe(1);
    expect(daysBetween('2026-01-02', '2026-01-01')).toBe(-1);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31); // across the spring DST change
    expect(daysBetween('2026-05-05', '2026-05-05')).toBe(0);
  });
  it('validates dates strictly', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('0099-01-01')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-1-01')).toBe(false);
    expect(isLocalDate('2026-01-01T00:00:00Z')).toBe(false);
    expect(() => addDays('2026-04-31', 1)).toThrow(RangeError);
    expect(() => addDays('2026-04-01', 0.5)).toThrow(RangeError);
    expect(() => daysBetween('2026-04-01', 'tomorrow')).toThrow(RangeError);
  });
});
