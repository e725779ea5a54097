/**
 * Small helpers of the payments screens (typed amounts are parsed by format/amounts.ts).
 */
import { type Language } from '../../i18n/i18n';

/** An amount without the currency ("1 250,00" / "1,250.00"), for payments that are not in kronor. */
export function formatAmountPlain(ore: number, language: Language): string {
  const negative = ore < 0;
  const digits = String(Math.abs(Math.trunc(ore))).padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, language === 'sv' ? '\u00a0' : ',');
  return `${negative ? '−' : ''}${whole}${language === 'sv' ? ',' : '.'}${digits.slice(-2)}`;
}

/** A file size in plain words: "512 byte", "12 kB", "3,4 MB". */
export function formatBytes(bytes: number, language: Language): string {
  if (bytes < 1024) return `${bytes} ${language === 'sv' ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} kB`;
  const tenths = Math.round((bytes * 10) / (1024 * 1024));
  return `${Math.trunc(tenths / 10)}${language === 'sv' ? ',' : '.'}${tenths % 10} MB`;
}

/** A random UUID v4; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The file name of a Content-Disposition header (RFC 6266: filename* first, then filename), or null. */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain parameter
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted) return quoted[1].replace(/\\(.)/g, '$1');
  const bare = /filename\s*=\s*([^;]+)/i.exec(header);
  return bare ? bare[1].trim() : null;
}

/** Today as YYYY-MM-DD in the user's own time zone. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
