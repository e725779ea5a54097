/**
 * Money is integer öre everywhere; shown in kronor with two decimals, by string and BigInt arithmetic
 * only (no floating point). Dates are the API's YYYY-MM-DD, shown as they are in Swedish and spelled
 * out in English; instants in Europe/Stockholm time.
 */
import { type Language } from '../i18n/i18n';

const locale = (language: Language) => (language === 'sv' ? 'sv-SE' : 'en-GB');

export function formatMoney(ore: number, language: Language): string {
  const negative = ore < 0;
  const abs = BigInt(Math.abs(Math.trunc(ore)));
  const kronor = new Intl.NumberFormat(locale(language), { useGrouping: true }).format(abs / 100n);
  const cents = String(abs % 100n).padStart(2, '0');
  const sign = negative ? '−' : '';
  return language === 'sv' ? `${sign}${kronor},${cents} kr` : `${sign}SEK ${kronor}.${cents}`;
}

export function formatDate(date: string | null | undefined, language: Language): string {
  if (!date) return '–';
  if (language === 'sv') return date.slice(0, 10);
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
}

export function formatInstant(instant: string | null | undefined, language: Language): string {
  if (!instant) return '–';
  return new Intl.DateTimeFormat(locale(language), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Stockholm' }).format(new Date(instant));
}

/** Basis points as a percentage with two decimals ("12,00 %" / "12.00%"), without floating point. */
export function formatBasisPoints(basisPoints: number, language: Language): string {
  const whole = Math.trunc(basisPoints / 100);
  const rest = String(Math.abs(basisPoints % 100)).padStart(2, '0');
  return language === 'sv' ? `${whole},${rest} %` : `${whole}.${rest}%`;
}
