/**
 * SIE lexical rules (formats.md §4.1): fields separated by spaces or tabs, any field may be quoted,
 * `\"` inside a quoted field is a quote, object lists `{…}` on the same line.
 *
 * Escapes: we write `\"` for a quote and `\\` for a backslash. When reading, `\"` and `\\` are
 * unescaped; a backslash before any other character is kept as it is, because real files contain
 * Windows paths and texts like `"1820\A012 Cykel"` (BL Administration) that were never escaped.
 */

export type SieToken =
  | { kind: 'field'; value: string; quoted: boolean }
  | { kind: 'list'; items: string[] };

export type TokeniseResult = { ok: true; tokens: SieToken[] } | { ok: false; message: string };

const isBlank = (c: string): boolean => c === ' ' || c === '\t';

/** Splits one line into fields and object lists. */
export function tokeniseLine(line: string): TokeniseResult {
  const tokens: SieToken[] = [];
  let listItems: string[] | undefined;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === '{') {
      if (listItems) return { ok: false, message: 'An object list "{" is opened inside another object list.' };
      listItems = [];
      i++;
      continue;
    }
    if (c === '}') {
      if (!listItems) return { ok: false, message: 'A "}" closes an object list that was never opened.' };
      tokens.push({ kind: 'list', items: listItems });
      listItems = undefined;
      i++;
      continue;
    }
    let value = '';
    let quoted = false;
    if (c === '"') {
      quoted = true;
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i];
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          value += line[i + 1];
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        value += d;
        i++;
      }
      if (!closed) return { ok: false, message: 'A quoted field is not closed before the end of the line.' };
    } else {
      while (i < line.length && !isBlank(line[i]) && !(listItems && (line[i] === '}' || line[i] === '"'))) {
        value += line[i];
        i++;
      }
    }
    if (listItems) listItems.push(value);
    else tokens.push({ kind: 'field', value, quoted });
  }
  if (listItems) return { ok: false, message: 'An object list "{" is not closed with "}" on the same line.' };
  return { ok: true, tokens };
}

/** The characters that force a field to be quoted when written. */
const NEEDS_QUOTES = /[\s"\\{}]/;

/** Quotes and escapes a field for writing: always quoted. */
export function quoteField(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Writes a field bare when it is safe to, quoted otherwise (empty fields are written `""`). */
export function bareOrQuotedField(value: string): string {
  return value === '' || NEEDS_QUOTES.test(value) || value.startsWith('#') ? quoteField(value) : value;
}

/** Control characters (0–31, 127) are not allowed inside SIE strings. */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 32 || code === 127) return true;
  }
  return false;
}
