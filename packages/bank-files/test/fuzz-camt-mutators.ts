// Format-aware mutations for the camt.054 fuzz test (test/fuzz-camt.spec.ts).
import { makeOcr } from '../src/testing';
import { type Mutator, type Rng, commonMutators, randomDigits, utf8 } from './fuzz';

interface Element {
  /** Offset of '<' of the start tag. */
  start: number;
  /** Offset just after the start tag's '>'. */
  openEnd: number;
  /** Offset of '<' of the end tag (= openEnd for an empty element written <X/>). */
  closeStart: number;
  /** Offset just after the end tag. */
  end: number;
  prefix: string;
  name: string;
  leaf: boolean;
}

const TAG = /<(\/?)([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?:\s[^<>]*?)?(\/?)>/g;

/** Every element whose end tag can be found, in document order of the start tags. One pass with a stack. */
function elements(s: string): Element[] {
  const out: Element[] = [];
  const stack: Array<{ e: Element; qname: string }> = [];
  for (const m of s.matchAll(TAG)) {
    const prefix = m[2] ?? '';
    const qname = prefix + m[3];
    if (m[1] === '/') {
      let k = stack.length - 1;
      while (k >= 0 && stack[k].qname !== qname) k--;
      if (k < 0) continue; // a stray end tag
      const { e } = stack[k];
      e.closeStart = m.index;
      e.end = m.index + m[0].length;
      for (let j = k; j < stack.length; j++) if (j > k) stack[j].e.end = -1; // unclosed inside: dropped below
      stack.length = k;
      continue;
    }
    if (stack.length) stack[stack.length - 1].e.leaf = false;
    const e: Element = { start: m.index, openEnd: m.index + m[0].length, closeStart: -1, end: -1, prefix, name: m[3], leaf: true };
    out.push(e);
    if (m[4] === '/') [e.closeStart, e.end] = [e.openEnd, e.openEnd];
    else stack.push({ e, qname });
  }
  return out.filter((e) => e.end >= 0);
}

const pick = <T>(rng: Rng, xs: readonly T[]): T | undefined => (xs.length ? xs[rng.int(xs.length)] : undefined);
const leaves = (s: string): Element[] => elements(s).filter((e) => e.leaf && e.closeStart > e.openEnd);
const setText = (s: string, e: Element, text: string): string => s.slice(0, e.openEnd) + text + s.slice(e.closeStart);
const textOf = (s: string, e: Element): string => s.slice(e.openEnd, e.closeStart);
/** Offsets between elements where markup may be inserted: before a start tag or after an end tag. */
const boundaries = (s: string): number[] => [...s.matchAll(/<[A-Za-z_]|(?<=<\/[^<>]*>)/g)].map((m) => m.index);

const NAMES = ['Document', 'BkToCstmrDbtCdtNtfctn', 'GrpHdr', 'MsgId', 'CreDtTm', 'Ntfctn', 'Id', 'Acct', 'IBAN', 'Othr', 'SchmeNm', 'Prtry', 'Cd', 'TxsSummry', 'TtlNtries', 'NbOfNtries', 'Sum', 'Ntry', 'Amt', 'CdtDbtInd', 'RvslInd', 'Sts', 'BookgDt', 'ValDt', 'Dt', 'DtTm', 'AcctSvcrRef', 'NtryDtls', 'Btch', 'NbOfTxs', 'TtlAmt', 'TxDtls', 'Refs', 'TxId', 'EndToEndId', 'AmtDtls', 'TxAmt', 'InstdAmt', 'RltdPties', 'Dbtr', 'Pty', 'Nm', 'PstlAdr', 'AdrLine', 'CdtrAcct', 'DbtrAcct', 'RmtInf', 'Ustrd', 'Strd', 'CdtrRefInf', 'Tp', 'CdOrPrtry', 'Ref', 'RfrdDocInf', 'Nb', 'AddtlRmtInf', 'BkToCstmrStmt', 'Stmt'];
const REPEATED = ['Ntfctn', 'Ntry', 'TxDtls', 'NtryDtls', 'Strd', 'Ustrd', 'Othr', 'RfrdDocInf', 'CdtrRefInf', 'AdrLine', 'Btch', 'Amt'];

const amount = (rng: Rng): string =>
  rng.int(3)
    ? `${1 + rng.int(100_000)}${rng.pick(['', `.${rng.int(10)}`, `.${randomDigits(rng, 2)}`])}`
    : rng.pick(['0', '0.00', '0.01', '12.345', '-1', '+1', '1e5', '1,00', ' 100.00 ', '', '.5', '5.', 'NaN', '00001.00', '90071992547409.91', '90071992547409.92', '9999999999999999', '99999999999999999999.99']);
const date = (rng: Rng): string =>
  rng.int(2) ? `${2020 + rng.int(8)}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}` : rng.pick(['2026-02-29', '2024-02-29', '2026-13-01', '0000-00-00', '1899-12-31', '3000-01-01', '2026-3-2', '20260302', '2026-03-02Z', '2026-03-02+01:00', '']);
const dateTime = (rng: Rng): string =>
  `${date(rng)}${rng.pick(['T10:00:00', 'T10:00:00Z', 'T10:00:00.123+01:00', 'T25:00:00', 'T10:00', '', ' 10:00:00', 'T10:00:00+1:00'])}`;

/** Interesting values for an element's text, by element name. */
function leafValue(name: string, rng: Rng, s: string): string {
  if (rng.int(5) === 0)
    return rng.pick(['', ' ', '&amp;', '&lt;x&gt;', '&#65;', '&#x1F600;', '&#0;', '&#xD800;', '&foo;', '&', '<![CDATA[1001072]]>', '<!-- c -->', '<?pi x?>', utf8('ÅÄÖ'), '\x01', '\t\r\n', 'x'.repeat(5000), utf8('\u2028')]);
  switch (name) {
    case 'Amt':
    case 'TtlAmt':
    case 'Sum':
      return amount(rng);
    case 'Dt':
      return date(rng);
    case 'DtTm':
    case 'CreDtTm':
      return dateTime(rng);
    case 'CdtDbtInd':
      return rng.pick(['CRDT', 'DBIT', 'crdt', 'BOTH', ' CRDT ']);
    case 'Cd':
    case 'Sts':
    case 'Prtry':
      return rng.pick(['BOOK', 'PDNG', 'INFO', 'FUTR', 'book', 'SCOR', 'BGNR', 'OCR', 'CINV', 'PMNT']);
    case 'RvslInd':
      return rng.pick(['true', 'false', '1', '0', 'TRUE', 'yes']);
    case 'NbOfTxs':
    case 'NbOfNtries':
      return rng.pick(['0', '1', '2', '3', '-1', '1.0', '999999999999999999999', ' 2 ', 'two']);
    case 'Ref':
    case 'Nb':
      return rng.pick([makeOcr(randomDigits(rng, 1 + rng.int(15))), '1001072', '1001073', 'RF18539007547034', randomDigits(rng, 26), '100 1072', '2026-17', '']);
    case 'AcctSvcrRef':
    case 'TxId':
    case 'EndToEndId':
    case 'MsgId':
    case 'Id': {
      // Often a value copied from another reference in the same file, to provoke duplicate bank references.
      const others = [...s.matchAll(/<(?:\w+:)?(?:AcctSvcrRef|TxId)>([^<]*)</g)].map((m) => m[1]);
      return rng.int(2) && others.length ? rng.pick(others) : rng.pick(['NOTPROVIDED', `REF-${randomDigits(rng, 4)}`, '9912346', '5050-1055', ' ']);
    }
    default:
      return rng.pick([utf8('Åkeri Öst AB'), 'Faktura 1001', 'fakt nr 2026-17', '8012577,8013575', 'SE', '123 45', '']);
  }
}

export const camtMutators: Record<string, Mutator> = {
  ...commonMutators,
  deleteElement: (s, rng) => {
    const e = pick(rng, elements(s));
    return e ? s.slice(0, e.start) + s.slice(e.end) : s;
  },
  duplicateElement: (s, rng) => {
    const all = elements(s);
    const preferred = all.filter((e) => REPEATED.includes(e.name));
    const e = pick(rng, rng.int(2) && preferred.length ? preferred : all);
    if (!e) return s;
    const piece = s.slice(e.start, e.end);
    const copy = piece.repeat(rng.int(8) === 0 && piece.length < 4000 ? 2 + rng.int(30) : 1);
    return s.slice(0, e.end) + copy + s.slice(e.end);
  },
  moveElement: (s, rng) => {
    const e = pick(rng, elements(s));
    if (!e) return s;
    const piece = s.slice(e.start, e.end);
    const rest = s.slice(0, e.start) + s.slice(e.end);
    const at = pick(rng, boundaries(rest)) ?? 0;
    return rest.slice(0, at) + piece + rest.slice(at);
  },
  swapLeafText: (s, rng) => {
    const ls = leaves(s);
    const a = pick(rng, ls);
    const b = pick(rng, ls);
    if (!a || !b || a === b) return s;
    const [x, y] = a.start < b.start ? [a, b] : [b, a];
    return s.slice(0, x.openEnd) + textOf(s, y) + s.slice(x.closeStart, y.openEnd) + textOf(s, x) + s.slice(y.closeStart);
  },
  wrapElement: (s, rng) => {
    const e = pick(rng, elements(s));
    if (!e) return s;
    const w = e.prefix + rng.pick(['Pty', 'X', e.name, 'TxAmt', 'Othr']);
    return `${s.slice(0, e.start)}<${w}>${s.slice(e.start, e.end)}</${w}>${s.slice(e.end)}`;
  },
  unwrapElement: (s, rng) => {
    const e = pick(rng, elements(s).filter((x) => !x.leaf));
    return e ? s.slice(0, e.start) + s.slice(e.openEnd, e.closeStart) + s.slice(e.end) : s;
  },
  deepNest: (s, rng) => {
    const e = pick(rng, elements(s));
    if (!e) return s;
    const depth = rng.pick([50, 500, 3000]);
    const tag = e.prefix + rng.pick(['X', 'TxDtls', 'Ntry']);
    return s.slice(0, e.openEnd) + `<${tag}>`.repeat(depth) + s.slice(e.openEnd, e.closeStart) + `</${tag}>`.repeat(depth) + s.slice(e.closeStart);
  },
  renameTag: (s, rng) => {
    const e = pick(rng, elements(s).filter((x) => x.end > x.openEnd));
    if (!e) return s;
    const name = rng.int(4) === 0 ? rng.pick([e.name.toLowerCase(), `${e.name}x`, 'x:' + e.name, '_', 'a.b-c', 'ns:']) : rng.pick(NAMES);
    const which = rng.int(3); // 0: start tag only, 1: end tag only, 2: both
    let out = s;
    if (which !== 0) out = out.slice(0, e.closeStart) + `</${e.prefix}${name}>` + out.slice(e.end);
    if (which !== 1) out = out.slice(0, e.start) + `<${e.prefix}${name}` + out.slice(e.start + 1 + e.prefix.length + e.name.length);
    return out;
  },
  tagSyntax: (s, rng) => {
    const e = pick(rng, elements(s));
    if (!e) return s;
    switch (rng.int(7)) {
      case 0:
        return s.slice(0, e.start) + s.slice(e.start + 1); // drop '<'
      case 1:
        return s.slice(0, e.openEnd - 1) + s.slice(e.openEnd); // drop '>'
      case 2:
        return e.end > e.openEnd ? s.slice(0, e.closeStart + 1) + s.slice(e.closeStart + 2) : s; // '</X>' → '<X>'
      case 3:
        return `${s.slice(0, e.start)}<${e.prefix}${e.name}/>${s.slice(e.end)}`; // empty element
      case 4:
        return s.slice(0, e.start + 2) + ' ' + s.slice(e.start + 2); // space in the name
      case 5:
        return s.slice(0, e.openEnd) + '<' + s.slice(e.openEnd); // stray '<'
      default:
        return s.slice(0, e.closeStart) + s.slice(e.end); // end tag removed
    }
  },
  leafText: (s, rng) => {
    const e = pick(rng, leaves(s));
    return e ? setText(s, e, leafValue(e.name, rng, s)) : s;
  },
  copyLeafText: (s, rng) => {
    const ls = leaves(s);
    const a = pick(rng, ls);
    if (!a) return s;
    const same = ls.filter((x) => x.name === a.name && x !== a);
    const b = pick(rng, same);
    return b ? setText(s, b, textOf(s, a)) : s;
  },
  attribute: (s, rng) => {
    const ccys = [...s.matchAll(/\s(?:\w+:)?[Cc]cy\s*=\s*("[^"]*"|'[^']*')/g)];
    const m = pick(rng, ccys);
    if (m && rng.int(3)) {
      const v = rng.pick([' Ccy="EUR"', ' Ccy=""', ' Ccy="sek"', '', ' Ccy="SEK" Ccy="SEK"', ' Ccy=SEK', " Ccy='SEK'", ' Ccy', ' ccy="SEK"', ' c:Ccy="SEK"', ' Ccy="S&amp;K"', ' Ccy="&#83;EK"', ' Ccy="<"', ' Ccy="SEK"Ccy="EUR"', ' Ccy="CHF"']);
      return s.slice(0, m.index) + v + s.slice(m.index + m[0].length);
    }
    const e = pick(rng, elements(s));
    if (!e) return s;
    const at = e.openEnd - (s[e.openEnd - 2] === '/' ? 2 : 1);
    const attr = rng.pick([' Ccy="SEK"', ' x="1"', ' xmlns="urn:x"', ' xmlns:x="urn:x"', ' a="&amp;"', ' a="&bad;"', ' a="1" a="2"', ' a=1', ' :a="1"', ' xml:lang="sv"']);
    return s.slice(0, at) + attr + s.slice(at);
  },
  namespace: (s, rng) => {
    const m = /<((?:[\w.-]+:)?)Document(\s[^>]*)?>/.exec(s);
    if (!m) return s;
    const prefix = m[1];
    switch (rng.int(5)) {
      case 0: {
        const ns = rng.pick(['urn:iso:std:iso:20022:tech:xsd:camt.053.001.02', 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.99', 'urn:iso:std:iso:20022:tech:xsd:camt.052.001.08', '', 'urn:foo', `urn:iso:std:iso:20022:tech:xsd:camt.054.001.${randomDigits(rng, 2)}`]);
        const decl = prefix ? ` xmlns:${prefix.slice(0, -1)}="${ns}"` : ` xmlns="${ns}"`;
        return `${s.slice(0, m.index)}<${prefix}Document${decl}>${s.slice(m.index + m[0].length)}`;
      }
      case 1:
        return `${s.slice(0, m.index)}<${prefix}Document>${s.slice(m.index + m[0].length)}`; // no namespace declaration
      case 2: {
        const p = rng.pick(['c:', 'ns2:', '']); // every tag with another (possibly undeclared) prefix
        return s.replace(/<(\/?)(?:[\w.-]+:)?([A-Za-z_][\w.-]*)(?=[\s/>])/g, (_all, slash: string, name: string) => `<${slash}${p}${name}`);
      }
      case 3: {
        const p = rng.pick(['c:', 'x:']); // one element with a different prefix than its end tag
        const e = pick(rng, elements(s));
        return e ? `${s.slice(0, e.start)}<${p}${e.name}${s.slice(e.start + 1 + e.prefix.length + e.name.length)}` : s;
      }
      default:
        return s.replace(/xmlns(:\w+)?="[^"]*"/, (x) => `${x} xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02" xmlns:xsi="x"`);
    }
  },
  entity: (s, rng) => {
    const e = pick(rng, leaves(s));
    const ref = rng.pick(['&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#60;', '&#x3C;', '&#0;', '&#xFFFE;', '&#xD800;', '&#1114112;', '&#x10FFFF;', '&unknown;', '&', '&amp', '&#;', '&#x;', '&#65', '&e;', '&#x1F600;']);
    if (rng.int(4) === 0) {
      // An internal DTD subset with entity declarations (and a use of one).
      const dtd = rng.pick(['<!DOCTYPE Document [<!ENTITY e "1001072">]>', '<!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', '<!DOCTYPE Document SYSTEM "file:///etc/passwd">', '<!DOCTYPE>']);
      const root = s.search(/<(?:[\w.-]+:)?Document[\s>]/);
      const withDtd = root >= 0 ? s.slice(0, root) + dtd + s.slice(root) : dtd + s;
      const leaf = pick(rng, leaves(withDtd));
      return leaf ? setText(withDtd, leaf, rng.pick(['&e;', '&b;', '&a;'])) : withDtd;
    }
    if (!e) return s;
    const text = textOf(s, e);
    const at = rng.int(text.length + 1);
    return setText(s, e, text.slice(0, at) + ref + text.slice(at));
  },
  xmlDecl: (s, rng) => {
    const body = s.replace(/^(?:\xef\xbb\xbf)?<\?xml[^>]*\?>/, '');
    const decl = rng.pick([
      '',
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
      '<?xml version="1.0" encoding="windows-1252"?>',
      '<?xml version="1.0" encoding="UTF-16"?>',
      '<?xml version="1.1" encoding="UTF-8"?>',
      '<?xml version="2.0"?>',
      '<?xml encoding="UTF-8"?>',
      '<?xml version="1.0" standalone="maybe"?>',
      '<?xml version="1.0" encoding="UTF-8"?><?xml version="1.0"?>',
      ' <?xml version="1.0"?>',
      '<!-- first --><?xml version="1.0"?>',
      '<?xml version="1.0"',
      '<?xml?>',
    ]);
    return decl + body;
  },
  insertMarkup: (s, rng) => {
    const at = rng.int(2) ? (pick(rng, boundaries(s)) ?? 0) : rng.int(s.length + 1);
    const m = rng.pick(['<!-- note -->', '<!-- -- -->', '<!--', '-->', '<?pi data?>', '<?xml version="1.0"?>', '<![CDATA[<Ntry>]]>', '<![CDATA[', ']]>', '<!DOCTYPE x>', '<X/>', '</X>', '<X>', 'text', '<>', '</>', '<!>', '&amp;']);
    return s.slice(0, at) + m + s.slice(at);
  },
  makeBookedCredit: (s, rng) => {
    let out = s.replace(/(<(?:\w+:)?CdtDbtInd>)DBIT</g, (x, open: string) => (rng.int(3) ? `${open}CRDT<` : x));
    out = out.replace(/(<(?:\w+:)?(?:Sts|Cd)>)(?:PDNG|INFO)</g, '$1BOOK<');
    if (rng.int(2)) out = out.replace(/<((?:\w+:)?)RvslInd>[^<]*<\/\1RvslInd>/g, '');
    return out;
  },
  dropTotals: (s, rng) => dropTotals(s, rng.int(3) === 0),
};

/** Removes TxsSummry (and optionally Btch), which many single mutations make inconsistent. */
function dropTotals(s: string, batches: boolean): string {
  const names = batches ? ['TxsSummry', 'Btch'] : ['TxsSummry'];
  const gone = elements(s).filter((e) => names.includes(e.name));
  let out = s;
  for (const e of gone.reverse()) out = out.slice(0, e.start) + out.slice(e.end);
  return out;
}

const toCents = (t: string): bigint | undefined => {
  const m = /^\s*(\d{1,14})(?:\.(\d{1,2}))?\s*$/.exec(t);
  return m ? BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0')) : undefined;
};
const fromCents = (c: bigint): string => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;

/**
 * Drops the totals (TxsSummry, Btch) and sets each multi-transaction entry's Amt to the sum of the first Amt in each
 * of its TxDtls, so that files damaged elsewhere can still pass. One scan of the elements, then the edits.
 */
export const fixCamtTotals: Mutator = (s) => {
  const els = elements(s);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (let i = 0; i < els.length; i++) {
    const e = els[i];
    if (e.name === 'TxsSummry' || e.name === 'Btch') {
      edits.push({ start: e.start, end: e.end, text: '' });
      continue;
    }
    if (e.name !== 'Ntry') continue;
    // The elements inside this entry follow it in the list (document order of start tags).
    let j = i + 1;
    while (j < els.length && els[j].start < e.end) j++;
    const inner = els.slice(i + 1, j);
    if (inner.length > 2000 || inner.some((x) => x.name === 'Ntry')) continue;
    const txs = inner.filter((x) => x.name === 'TxDtls');
    const own = inner.find((x) => x.name === 'Amt');
    if (txs.length < 2 || !own) continue;
    let sum = 0n;
    let ok = true;
    for (const tx of txs) {
      const amt = inner.find((x) => x.name === 'Amt' && x.start > tx.start && x.end <= tx.end);
      const cents = amt ? toCents(textOf(s, amt)) : undefined;
      if (cents === undefined) ok = false;
      else sum += cents;
    }
    if (ok && own.start < txs[0].start) edits.push({ start: own.openEnd, end: own.closeStart, text: fromCents(sum) });
  }
  edits.sort((x, y) => y.start - x.start);
  let out = s;
  let limit = Infinity;
  for (const ed of edits) {
    if (ed.end > limit) continue; // overlaps an edit already made (nested elements)
    out = out.slice(0, ed.start) + ed.text + out.slice(ed.end);
    limit = ed.start;
  }
  return out;
};

