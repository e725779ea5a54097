/**
 * Reading payment references the way payers write them. Free text is cut at 25 characters by the bank
 * and continued in information records; the parsers join the pieces before it reaches this code.
 */
import { parseOcr } from '../rules/identity-numbers';

// An invoice number is digits, possibly after a short letter prefix and with dashes ('B0001234', '2026-17').
const NUMBER = String.raw`(\p{L}{0,4}\d+(?:-\d+)*)`;
const INVOICE_KEYWORD = new RegExp(
  String.raw`(?:^|[^\p{L}\d])(?:fakt(?:ura)?(?:\s*(?:nr|nummer|no|num)\b\.?)?|fnr|inv(?:oice)?(?:\s*(?:nr|no|number)\b\.?)?|f(?=\d))\s*[:.#]?\s*` + NUMBER + String.raw`(?![\p{L}\d])`,
  'giu',
);
const DIGIT_GROUP = new RegExp(String.raw`(?<![\p{L}\d-])` + NUMBER + String.raw`(?![\p{L}\d-])`, 'gu');

/**
 * Invoice numbers the payer stated: numbers after a keyword ('Faktura 1001', 'fakt nr 2026-17',
 * 'Faktnr: 63600', 'FAKTURA801465', 'invoice no 12', 'F1001', 'faktura B0001234'), and, when the whole text is nothing but
 * digit groups ('8012577,8013575', '657866 658765 657767'), each of those groups.
 */
export function invoiceNumberCandidates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(INVOICE_KEYWORD)) out.push(m[1]);
  const trimmed = text.trim();
  if (out.length === 0 && trimmed !== '' && /^[\d\s,;/-]+$/.test(trimmed)) {
    for (const g of trimmed.split(/[\s,;/]+/)) if (/^\d+(?:-\d+)*$/.test(g)) out.push(g);
  }
  return [...new Set(out)];
}

/**
 * Every invoice number a text may hold, the stated ones first, then any other digit group of 2–25
 * digits ('betalar 1002 tack'). The guesses are only trusted together with an amount check.
 */
export function invoiceNumbersIn(text: string): string[] {
  const found = new Set(invoiceNumberCandidates(text));
  for (const m of text.matchAll(DIGIT_GROUP)) {
    const digits = m[1].replace(/\D/g, '');
    if (digits.length >= 2 && digits.length <= 25) found.add(m[1]);
  }
  return [...found];
}

/** Digit strings in a text that pass as OCR numbers (a payer may type the OCR into the message). */
export function ocrNumbersIn(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?<!\d)\d[\d ]{0,30}\d(?!\d)/g)) {
    for (const candidate of new Set([m[0].replace(/ /g, ''), ...m[0].split(' ')])) {
      const parsed = parseOcr(candidate);
      if (parsed.ok && candidate.length >= 4 && !/^0+$/.test(candidate)) found.add(parsed.value);
    }
  }
  return [...found];
}
