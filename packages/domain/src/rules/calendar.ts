// Swedish calendar rules: Stockholm dates, public holidays and bank days.
//
// All date arithmetic is done on date-only values in UTC milliseconds, so no daylight-saving
// transition can shift a day. Nothing here reads the clock or the process time zone.
import Holidays from 'date-holidays';

/** A calendar date, 'YYYY-MM-DD' (no time, no zone). */
export type LocalDate = string;

const DAY_MS = 86_400_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isLocalDate(value: string): boolean {
  return toUtcMs(value) !== undefined;
}

function toUtcMs(date: string): number | undefined {
  const m = LOCAL_DATE.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d); // setUTCFullYear: unlike Date.UTC, years 0–99 stay literal
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? t.getTime() : undefined;
}

function utcMs(date: LocalDate): number {
  const ms = toUtcMs(date);
  if (ms === undefined) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return ms;
}

function fromUtcMs(ms: number): LocalDate {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new RangeError('Date out of range');
  return `${String(y).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return fromUtcMs(utcMs(date) + days * DAY_MS);
}

/** Calendar days from `from` to `to`: positive when `to` is later, e.g. ('2026-01-01', '2026-01-02') → 1. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((utcMs(to) - utcMs(from)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(date: LocalDate): number {
  return new Date(utcMs(date)).getUTCDay();
}

// ---------------------------------------------------------------------------------------------
// Stockholm time

const STOCKHOLM = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
// An instant must say where it is: 'Z' or an offset. A string without one would be read in the
// process's own time zone, which would make the domain depend on the machine it runs on.
const INSTANT_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** The calendar date in Europe/Stockholm at `instant` (DST-correct, via Intl's time zone data). */
export function stockholmDate(instant: string | Date): LocalDate {
  // (the date part is checked too: the built-in parser rolls 30 February over into March)
  if (typeof instant === 'string' && !(INSTANT_WITH_ZONE.test(instant) && isLocalDate(instant.slice(0, 10)))) {
    throw new RangeError(`Not an ISO instant with 'Z' or an offset: ${JSON.stringify(instant)}`);
  }
  const ms = (typeof instant === 'string' ? new Date(instant) : instant).getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid instant');
  const offset = stockholmOffsetDuring(Math.floor(ms / HOUR_MS));
  if (offset !== undefined) return fromUtcMs(Math.floor((ms + offset) / DAY_MS) * DAY_MS);
  return fromUtcMs(Math.floor(stockholmWallClock(ms) / DAY_MS) * DAY_MS);
}

const HOUR_MS = 3_600_000;

/** The Stockholm wall-clock time at `ms`, as if it were UTC milliseconds (whole seconds). */
function stockholmWallClock(ms: number): number {
  const parts = STOCKHOLM.formatToParts(new Date(ms));
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = new Date(0);
  wall.setUTCFullYear(part('year'), part('month') - 1, part('day'));
  wall.setUTCHours(part('hour'), part('minute'), part('second'));
  return wall.getTime();
}

// Why a memo: Intl's formatToParts costs microseconds and every command asks for today's date, often several
// times. The zone's offset is the same all through almost every UTC hour, so it is looked up once per hour
// (at its first and last second); an hour in which it changes (a DST switch not on the hour) is computed per
// call. Bounded, and pure: the same hour always has the same offset.
const offsetByHour = new Map<number, number | undefined>();

function stockholmOffsetDuring(hour: number): number | undefined {
  if (offsetByHour.has(hour)) return offsetByHour.get(hour);
  const start = hour * HOUR_MS;
  const end = start + HOUR_MS - 1000;
  const atStart = stockholmWallClock(start) - start;
  const atEnd = stockholmWallClock(end) - Math.floor(end / 1000) * 1000;
  const offset = atStart === atEnd ? atStart : undefined;
  if (offsetByHour.size >= 1000) offsetByHour.clear();
  offsetByHour.set(hour, offset);
  return offset;
}

// ---------------------------------------------------------------------------------------------
// Holidays and bank days
//
// Decision: the holiday dates come from `date-holidays` (country SE). Checked against an
// independent computation (Easter by the anonymous Gregorian algorithm plus the fixed and
// weekday-anchored days of lag (1989:253) om allmänna helgdagar) for every year 2023–2040, see
// calendar.spec.ts: same public holidays, and it marks midsommarafton, julafton and nyårsafton as
// type 'bank' (days the Swedish banks keep closed). It loads synchronously under CommonJS, does no
// I/O and is independent of the process time zone when asked for whole years, as we do here.
// The spec keeps the independent computation, so an upgrade that changes the data fails a test.

const SE = new Holidays('SE');

interface YearDays {
  /** Allmänna helgdagar that have a name (ordinary Sundays are helgdagar too, by the weekend rule). */
  readonly publicHolidays: ReadonlyMap<LocalDate, string>;
  /** Weekdays that are not helgdagar but on which banks are closed: midsommar-, jul- and nyårsafton. */
  readonly bankClosedEves: ReadonlyMap<LocalDate, string>;
}

const byYear = new Map<number, YearDays>(); // pure memo: the same year always yields the same days

function yearDays(year: number): YearDays {
  let days = byYear.get(year);
  if (!days) {
    const publicHolidays = new Map<LocalDate, string>();
    const bankClosedEves = new Map<LocalDate, string>();
    for (const h of SE.getHolidays(year)) {
      const date = h.date.slice(0, 10); // 'YYYY-MM-DD hh:mm:ss', local to Sweden
      if (h.type === 'public') publicHolidays.set(date, h.name);
      else if (h.type === 'bank') bankClosedEves.set(date, h.name);
    }
    days = { publicHolidays, bankClosedEves };
    byYear.set(year, days);
  }
  return days;
}

const yearOf = (date: LocalDate): number => {
  utcMs(date); // validates
  return Number(date.slice(0, 4));
};

/** A named Swedish public holiday (allmän helgdag, lag 1989:253), e.g. nationaldagen, annandag påsk. */
export function isSwedishPublicHoliday(date: LocalDate): boolean {
  return yearDays(yearOf(date)).publicHolidays.has(date);
}

/** The Swedish name of the holiday or bank-closed eve on `date`, if any (for explanations in the UI). */
export function swedishHolidayName(date: LocalDate): string | undefined {
  const days = yearDays(yearOf(date));
  return days.publicHolidays.get(date) ?? days.bankClosedEves.get(date);
}

/** Monday–Friday, not a public holiday, and not midsommarafton, julafton or nyårsafton. */
export function isBankDay(date: LocalDate): boolean {
  const wd = weekday(date);
  if (wd === 0 || wd === 6) return false;
  const days = yearDays(yearOf(date));
  return !days.publicHolidays.has(date) && !days.bankClosedEves.has(date);
}

export function nextBankDayOnOrAfter(date: LocalDate): LocalDate {
  let d = date;
  while (!isBankDay(d)) d = addDays(d, 1); // at most a handful of steps (e.g. julafton → 27/28 Dec)
  return d;
}

/**
 * A payment due on a Saturday, Sunday, public holiday, midsommarafton, julafton or nyårsafton is
 * on time on the next bank day (the rule of lag (1930:173) om beräkning av lagstadgad tid, 2 §,
 * which banks and collection practice apply to contractual due dates too).
 */
export function lastDayToPayOnTime(dueDate: LocalDate): LocalDate {
  return nextBankDayOnOrAfter(dueDate);
}

/** The first day on which an unpaid invoice is late. */
export function firstOverdueDate(dueDate: LocalDate): LocalDate {
  return addDays(lastDayToPayOnTime(dueDate), 1);
}

/** True when the Stockholm date of `now` is after the last day to pay on time. */
export function isOverdue(dueDate: LocalDate, now: string | Date): boolean {
  return stockholmDate(now) > lastDayToPayOnTime(dueDate);
}
