/**
 * Times are epoch milliseconds inside the sandbox; the wire speaks RFC 1123 at second resolution.
 * Calendar dates (invoice date, due date, respite end) are UTC days, counted as epoch days: the wire
 * sends them at 00:00:00 GMT, so UTC is the calendar that round-trips without surprises.
 */

export const DAY_MS = 86_400_000;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const RFC1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** `Mon, 07 Jul 2025 00:00:00 GMT` (Date#toUTCString is exactly RFC 1123 for years 0–9999). */
export function toRfc1123(ms: number): string {
  return new Date(ms).toUTCString();
}

/** Parses an RFC 1123 date strictly (the weekday must match), or `undefined`. */
export function parseRfc1123(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = RFC1123.exec(value);
  if (!m) return undefined;
  const [, weekday, day, month, year, hh, mm, ss] = m;
  const ms = Date.UTC(Number(year), MONTHS.indexOf(month), Number(day), Number(hh), Number(mm), Number(ss));
  const d = new Date(ms);
  // Date.UTC rolls 31 Feb over into March: a real date survives the round trip.
  if (d.getUTCDate() !== Number(day) || WEEKDAYS[d.getUTCDay()] !== weekday || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) {
    return undefined;
  }
  return ms;
}

/** A date-only field: RFC 1123 at 00:00:00 GMT → its epoch day, or `undefined`. */
export function parseRfc1123Date(value: unknown): number | undefined {
  const ms = parseRfc1123(value);
  return ms !== undefined && ms % DAY_MS === 0 ? ms / DAY_MS : undefined;
}

/** The UTC day a moment falls on. */
export function epochDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export function dayToRfc1123(day: number): string {
  return toRfc1123(day * DAY_MS);
}

/** `2025-07-07` for an epoch day. */
export function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `2025-07-07` → epoch day. */
export function isoToDay(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
}

/** Truncates to whole seconds, the resolution of `_created`/`_updated` on the wire. */
export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
