/**
 * Amounts typed by a user, in kronor, to integer öre — by string parsing only, never floating point.
 * Accepts "1250", "1 250,50", "1250.5", "1.250,50", "1,250.50", "1 250 kr"; at most two decimals. A lone
 * separator before exactly three digits ("1,250") is digit grouping in English and refused as ambiguous
 * in Swedish. Shared by every screen where an amount is typed.
 */
import { type Language } from '../i18n/i18n';

export type ParsedAmount = { ok: true; ore: number } | { ok: false; reason: 'invalid' | 'decimals' | 'zero' | 'tooLarge' };

const count = (text: string, char: string) => text.split(char).length - 1;

/** Grouping like "1.250.000" or "12 500": the first group 1–3 digits, the rest exactly 3. */
function ungroup(text: string, separator: string): string | null {
  if (!text.includes(separator)) return text;
  const groups = text.split(separator);
  if (!/^\d{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))) return null;
  return groups.join('');
}

/** The largest amount a field takes: 15 digits of öre (a trillion kronor), well inside safe integers. */
const MAX_ORE = 999_999_999_999_999n;

export function parseAmount(input: string, language: Language = 'sv'): ParsedAmount {
  // "12,-" is how Swedes write whole kronor.
  let text = input.replace(/[\s\u00a0\u202f]/g, '').replace(/(kr|kronor|sek)$/i, '').replace(/^sek/i, '').replace(/[,.]-$/, '');
  if (text.startsWith('+')) text = text.slice(1);
  if (!text || !/^[\d.,]+$/.test(text)) return { ok: false, reason: 'invalid' };
  const commas = count(text, ',');
  const dots = count(text, '.');
  let whole: string | null = text;
  let fraction = '';
  if (commas > 0 && dots > 0) {
    // Both: the last one is the decimal separator and appears once; the other groups thousands.
    const decimal = text.lastIndexOf(',') > text.lastIndexOf('.') ? ',' : '.';
    if (count(text, decimal) > 1) return { ok: false, reason: 'invalid' };
    const at = text.lastIndexOf(decimal);
    whole = ungroup(text.slice(0, at), decimal === ',' ? '.' : ',');
    fraction = text.slice(at + 1);
  } else if (language === 'en' && dots === 0 && /^\d{1,3}(,\d{3})+$/.test(text)) {
    whole = text.replace(/,/g, '');
  } else if (commas + dots === 1) {
    const at = Math.max(text.indexOf(','), text.indexOf('.'));
    whole = text.slice(0, at);
    fraction = text.slice(at + 1);
  } else if (commas + dots > 1) {
    whole = ungroup(text, commas ? ',' : '.');
  }
  if (whole === null || !/^\d*$/.test(whole) || !/^\d*$/.test(fraction) || (whole === '' && fraction === '')) return { ok: false, reason: 'invalid' };
  if (fraction.length > 2) return { ok: false, reason: 'decimals' };
  const ore = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
  if (ore === 0n) return { ok: false, reason: 'zero' };
  if (ore > MAX_ORE) return { ok: false, reason: 'tooLarge' };
  return { ok: true, ore: Number(ore) };
}

/** The öre of a typed amount, or null when it is not one (see parseAmount). */
export function parseKronor(input: string, language: Language = 'sv'): number | null {
  const parsed = parseAmount(input, language);
  return parsed.ok ? parsed.ore : null;
}

/** Öre as a plain editable amount ("1250,50" in Swedish, "1250.50" in English), for prefilling a field. */
export function oreToInput(ore: number, language: Language): string {
  const abs = BigInt(Math.abs(Math.trunc(ore)));
  const cents = String(abs % 100n).padStart(2, '0');
  return `${ore < 0 ? '-' : ''}${abs / 100n}${language === 'sv' ? ',' : '.'}${cents}`;
}
