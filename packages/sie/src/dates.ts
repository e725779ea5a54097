/** `YYYY-MM-DD` (model) ⇄ `YYYYMMDD` (file), with a real calendar check. */

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const SIE = /^(\d{4})(\d{2})(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO.exec(value);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `2025-01-15` → `20250115`; the caller validates first with {@link isIsoDate}. */
export function isoToSieDate(value: string): string {
  return value.replace(/-/g, '');
}

/** `20250115` → `2025-01-15`, or `undefined` when it is not a real `YYYYMMDD` date. */
export function sieToIsoDate(value: string): string | undefined {
  const m = SIE.exec(value);
  if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}
