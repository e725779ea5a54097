// Small pure helpers shared by the parsers: UTF-8 validation, exact decimal → öre, dates, references.
import { invoiceNumberCandidates, parseOcr } from '@pm/domain';
import { type PaymentReference } from './incoming-payment';

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the whole buffer is valid UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

export function hasNonAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return true;
  return false;
}

/** 1-based line of a byte offset (counts LF, and lone CR as a line break). */
export function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) line++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

/**
 * An ISO 20022 decimal amount ('236.25', '200000', '3.1') to integer öre, by string manipulation only.
 * Returns a reason string when it is not a non-negative decimal with at most 2 decimals that fits safely.
 */
export function decimalToOre(text: string): number | string {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return `"${text}" is not a decimal amount`;
  const frac = m[2] ?? '';
  if (frac.length > 2) return `"${text}" has more than 2 decimals`;
  const digits = (m[1] + frac.padEnd(2, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return `"${text}" is too large`;
  const ore = Number(digits);
  if (!Number.isSafeInteger(ore)) return `"${text}" is too large`;
  return ore;
}

/** Scaled BigInt of a decimal with up to 5 decimals, for comparing sums (TxsSummry) exactly. */
export function decimalToScaled(text: string, scale = 5): bigint | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  if (frac.length > scale) return undefined;
  return BigInt(m[1] + frac.padEnd(scale, '0'));
}

export function formatOre(ore: number | bigint): string {
  const s = String(ore).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** A real calendar date 'YYYY-MM-DD' (years 1900–2999). */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[mo - 1];
}

/** 'YYYYMMDD' → 'YYYY-MM-DD', or undefined when it is not a real date. */
export function compactDate(s: string): string | undefined {
  if (!/^\d{8}$/.test(s)) return undefined;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  return isIsoDate(iso) ? iso : undefined;
}

/**
 * A copy of `s` that does not point into a larger string. V8 keeps substrings of 13 or more characters as views
 * into their parent string, so a value cut from a chunk of the file would keep the whole chunk (or, for BgMax,
 * the whole decoded file) in memory for as long as the payment that holds it.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Collects references in the normalised order (OCR, invoice numbers, free text), without duplicates. */
export class ReferenceCollector {
  private readonly ocr: string[] = [];
  private readonly invoice: string[] = [];
  private readonly free: string[] = [];

  /** Returns false (and adds nothing as OCR) when the value is not a valid OCR number. */
  addOcr(value: string): boolean {
    const parsed = parseOcr(value);
    if (!parsed.ok) return false;
    if (!this.ocr.includes(parsed.value)) this.ocr.push(parsed.value);
    return true;
  }

  addInvoiceNumber(value: string): void {
    const v = value.trim();
    if (v !== '' && !this.invoice.includes(v)) this.invoice.push(v);
  }

  /** Free text, plus the invoice-number candidates found in it. */
  addFreeText(value: string): void {
    const v = value.replace(/\s+/g, ' ').trim();
    if (v === '') return;
    if (!this.free.includes(v)) this.free.push(v);
    for (const c of invoiceNumberCandidates(v)) this.addInvoiceNumber(c);
  }

  build(): PaymentReference[] {
    const ocrs = new Set(this.ocr);
    // Spread into one literal: an exact-size array (push would leave spare capacity in each of 100,000 arrays).
    return [
      ...this.ocr.map((value) => ({ kind: 'ocr' as const, value: detach(value) })),
      ...this.invoice.filter((v) => !ocrs.has(v)).map((value) => ({ kind: 'invoice_number' as const, value: detach(value) })),
      ...this.free.map((value) => ({ kind: 'free_text' as const, value: detach(value) })),
    ];
  }
}
