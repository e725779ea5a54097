// Format-aware mutations for the BgMax fuzz test (test/fuzz-bgmax.spec.ts).
import { makeOcr } from '../src/testing';
import { type Mutator, type Rng, commonMutators, getBody, randomDigits, setBody, splitLines, utf8 } from './fuzz';

type FieldKind =
  | 'layout' | 'version' | 'stamp' | 'mark' | 'bg' | 'pg' | 'ccy' | 'ref' | 'amount' | 'digit' | 'serial' | 'text'
  | 'postcode' | 'cc' | 'orgno' | 'account' | 'date' | 'serial5' | 'count8' | 'kind';
type Field = [from: number, to: number, kind: FieldKind];

const PAYMENT: Field[] = [[2, 12, 'bg'], [12, 37, 'ref'], [37, 55, 'amount'], [55, 56, 'digit'], [56, 57, 'digit'], [57, 69, 'serial'], [69, 70, 'digit']];
/** Record layouts, docs/formats.md §1.2 (0-based, end exclusive). */
const FIELDS: Record<string, Field[]> = {
  '01': [[2, 22, 'layout'], [22, 24, 'version'], [24, 44, 'stamp'], [44, 45, 'mark']],
  '05': [[2, 12, 'bg'], [12, 22, 'pg'], [22, 25, 'ccy']],
  '20': PAYMENT,
  '21': [...PAYMENT, [70, 71, 'digit']],
  '22': PAYMENT,
  '23': PAYMENT,
  '25': [[2, 52, 'text']],
  '26': [[2, 37, 'text'], [37, 72, 'text']],
  '27': [[2, 37, 'text'], [37, 46, 'postcode']],
  '28': [[2, 37, 'text'], [37, 72, 'text'], [72, 74, 'cc']],
  '29': [[2, 14, 'orgno']],
  '15': [[2, 37, 'account'], [37, 45, 'date'], [45, 50, 'serial5'], [50, 68, 'amount'], [68, 71, 'ccy'], [71, 79, 'count8'], [79, 80, 'kind']],
  '70': [[2, 10, 'count8'], [10, 18, 'count8'], [18, 26, 'count8'], [26, 34, 'count8']],
};
const CODES = ['01', '05', '15', '20', '21', '22', '23', '25', '26', '27', '28', '29', '70', '00', '09', '30', '90', '99', 'XX', '2 ', ' 2', '2', '', utf8('٢٠')];

const left = (s: string, n: number): string => s.slice(0, n).padEnd(n, ' ');
const right = (s: string, n: number): string => s.slice(-n).padStart(n, ' ');
const zeros = (s: string, n: number): string => s.slice(-n).padStart(n, '0');
const validDate = (rng: Rng): string => `${2020 + rng.int(8)}${zeros(String(1 + rng.int(12)), 2)}${zeros(String(1 + rng.int(28)), 2)}`;
const ocr = (rng: Rng): string => makeOcr(randomDigits(rng, 1 + rng.int(18)).replace(/^0/, '1'));
const TEXTS = ['Faktura 1001', 'fakt nr 2026-17', '8012577,8013575', '657866 658765 657767', 'KUNDNR 4325 FAKTURA 6389', 'Hej\tdär', 'Åkeri Öst AB', 'x'.repeat(50), ''];

/** A value for a field; usually of the field's width, sometimes shorter or longer (shifting the rest of the record). */
function fieldValue(kind: FieldKind, width: number, old: string, rng: Rng): string {
  const r = rng.int(10);
  if (r === 0) return ' '.repeat(width);
  if (r === 1) return rng.pick(['', old.slice(1), `${old} `, old.replace(/\d/, 'x'), '\t'.repeat(1 + rng.int(3)), '\xe5'.repeat(width)]);
  switch (kind) {
    case 'amount': {
      const ore = rng.pick([0, 1, 99, 100 + rng.int(10_000_000), rng.int(1_000_000_000_000), Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1]);
      return rng.int(8) === 0 ? rng.pick(['9'.repeat(18), `-${zeros('100', 17)}`, `+${zeros('100', 17)}`, ` ${zeros('100', 17)}`, '1e5'.padStart(18, '0')]) : zeros(String(ore), 18);
    }
    case 'date':
      return rng.int(2) ? validDate(rng) : rng.pick(['20260230', '20240229', '20230229', '00000000', '99999999', '2026-3-2', '18991231', '30000101', '20261301', '20260100', '2026030']);
    case 'stamp':
      return (rng.int(2) ? validDate(rng) : rng.pick(['20261302', '00000000', '2026-03-'])) + randomDigits(rng, rng.int(4) === 0 ? 5 : 12);
    case 'count8':
      return rng.int(2) ? zeros(String(Math.max(0, Number(old) + rng.pick([-1, 1, 2]))), 8) : rng.pick([randomDigits(rng, 8), '-0000001', 'xxxxxxxx', '99999999', '1'.padEnd(8)]);
    case 'bg':
      return rng.pick(['0009912346', '0050501055', '0001234566', '0000000000', '0009912347', randomDigits(rng, 10), '099-123460', 'BANKGIRO10']);
    case 'pg':
      return rng.pick([randomDigits(rng, 10), '0008156086', 'PG12345678', '12345']);
    case 'ccy':
    case 'cc':
      return rng.pick(['SEK', 'EUR', 'NOK', 'sek', 'SE', 'S\x80K', 'XXX', '123']).slice(0, kind === 'cc' ? 2 : 3);
    case 'ref':
      return rng.int(2) ? right(ocr(rng), 25) : rng.pick([left(ocr(rng), 25), left(rng.pick(TEXTS), 25), right(randomDigits(rng, 25), 25), `${ocr(rng)},${ocr(rng)}`.padEnd(25).slice(0, 25)]);
    case 'digit':
      return rng.pick(['0', '1', '2', '3', '4', '5', '6', '9', ' ', 'x']);
    case 'serial':
      return rng.pick([randomDigits(rng, 12), '000000000000', 'ABCDEFGHIJKL', old]);
    case 'serial5':
      return rng.pick([randomDigits(rng, 5), '00001', '00000', 'abcde', '1234']);
    case 'text':
      return left(rng.pick([...TEXTS, ocr(rng), `Faktura ${randomDigits(rng, 4)}`]), rng.int(3) ? width : 1 + rng.int(width));
    case 'postcode':
      return rng.pick(['123 45', '12345', 'SE-12345', '']);
    case 'orgno':
      return rng.pick(['005560000001', '5560000001', '556000-0001', '55600000011', '000000000000', '2900550000432', 'ORGNR', randomDigits(rng, 12)]);
    case 'account':
      return rng.pick([zeros(randomDigits(rng, 16), 35), ' '.repeat(35), 'ACCOUNT'.padEnd(35)]);
    case 'kind':
      return rng.pick(['K', 'D', ' ', 'X']);
    case 'layout':
      return left(rng.pick(['BGMAX', 'BGMAX2', 'bgmax', 'BG MAX', '']), 20);
    case 'version':
      return rng.pick(['01', '02', '1 ', 'xx', '00']);
    case 'mark':
      return rng.pick(['P', 'T', 'X', ' ']);
  }
}

const tkOf = (lines: string[], i: number): string => getBody(lines, i).replace(/^\uFEFF|^\xef\xbb\xbf/, '').slice(0, 2);
const linesOf = (lines: string[], codes: string[]): number[] => lines.flatMap((_, i) => (codes.includes(tkOf(lines, i)) ? [i] : []));
/** The lines of the payment starting at line i: its TK20/21 and the TK22–29 records after it. */
const paymentGroup = (lines: string[], i: number): number => {
  let end = i + 1;
  while (end < lines.length && /^2[2-9]/.test(tkOf(lines, end))) end++;
  return end;
};
const onLines = (s: string, f: (lines: string[]) => void): string => {
  const lines = splitLines(s);
  if (lines.length > 0) f(lines);
  return lines.join('');
};

export const bgmaxMutators: Record<string, Mutator> = {
  ...commonMutators,
  field: (s, rng) =>
    onLines(s, (lines) => {
      const candidates = linesOf(lines, Object.keys(FIELDS));
      if (candidates.length === 0) return;
      const i = rng.pick(candidates);
      const body = getBody(lines, i).padEnd(80, ' ');
      const [from, to, kind] = rng.pick(FIELDS[tkOf(lines, i)]);
      setBody(lines, i, body.slice(0, from) + fieldValue(kind, to - from, body.slice(from, to), rng) + body.slice(to));
    }),
  amount: (s, rng) =>
    onLines(s, (lines) => {
      const candidates = linesOf(lines, ['20', '21', '22', '23', '15']);
      if (candidates.length === 0) return;
      const i = rng.pick(candidates);
      const body = getBody(lines, i).padEnd(80, ' ');
      const [from, to] = tkOf(lines, i) === '15' ? [50, 68] : [37, 55];
      setBody(lines, i, body.slice(0, from) + fieldValue('amount', 18, body.slice(from, to), rng) + body.slice(to));
    }),
  dateOrCount: (s, rng) =>
    onLines(s, (lines) => {
      const candidates = linesOf(lines, ['01', '15', '70']);
      if (candidates.length === 0) return;
      const i = rng.pick(candidates);
      const tk = tkOf(lines, i);
      const body = getBody(lines, i).padEnd(80, ' ');
      const [from, to, kind]: Field = tk === '01' ? [24, 44, 'stamp'] : tk === '70' ? [2 + 8 * rng.int(4), 0, 'count8'] : rng.pick<Field>([[37, 45, 'date'], [71, 79, 'count8'], [45, 50, 'serial5']]);
      const end = to || from + 8;
      setBody(lines, i, body.slice(0, from) + fieldValue(kind, end - from, body.slice(from, end), rng) + body.slice(end));
    }),
  recordType: (s, rng) =>
    onLines(s, (lines) => {
      const i = rng.int(lines.length);
      setBody(lines, i, rng.pick(CODES) + getBody(lines, i).slice(2));
    }),
  duplicatePayment: (s, rng) =>
    onLines(s, (lines) => {
      const starts = linesOf(lines, ['20', '21']);
      if (starts.length === 0) return;
      const i = rng.pick(starts);
      const group = lines.slice(i, paymentGroup(lines, i));
      const target = rng.int(2) ? paymentGroup(lines, i) : rng.pick(linesOf(lines, ['20', '21', '15']));
      lines.splice(target, 0, ...group);
    }),
  movePayment: (s, rng) =>
    onLines(s, (lines) => {
      const starts = linesOf(lines, ['20', '21']);
      if (starts.length === 0) return;
      const i = rng.pick(starts);
      const group = lines.splice(i, paymentGroup(lines, i) - i);
      const targets = linesOf(lines, ['20', '21', '15', '05']);
      lines.splice(targets.length ? rng.pick(targets) : 0, 0, ...group);
    }),
  deletePayment: (s, rng) =>
    onLines(s, (lines) => {
      const starts = linesOf(lines, ['20', '21']);
      if (starts.length === 0) return;
      const i = rng.pick(starts);
      lines.splice(i, paymentGroup(lines, i) - i);
    }),
  duplicateSection: (s, rng) =>
    onLines(s, (lines) => {
      const opens = linesOf(lines, ['05']);
      if (opens.length === 0) return;
      const i = rng.pick(opens);
      let end = i + 1;
      while (end < lines.length && tkOf(lines, end) !== '15' && tkOf(lines, end) !== '05') end++;
      const section = lines.slice(i, Math.min(end + 1, lines.length));
      if (rng.int(2) && section.length > 1) {
        // A different deposit serial, so the copy is a new deposit rather than a repeated one.
        const last = section.length - 1;
        const body = getBody(section, last).padEnd(80, ' ');
        setBody(section, last, body.slice(0, 45) + randomDigits(rng, 5) + body.slice(50));
      }
      lines.splice(Math.min(end + 1, lines.length), 0, ...section);
    }),
  recordLength: (s, rng) =>
    onLines(s, (lines) => {
      const i = rng.int(lines.length);
      const body = getBody(lines, i);
      setBody(lines, i, rng.int(2) ? body.slice(0, rng.int(body.length + 1)) : body.padEnd(80, ' ') + rng.pick([' ', 'X', '  tail', '\t', randomDigits(rng, 10)]));
    }),
  tabInField: (s, rng) =>
    onLines(s, (lines) => {
      const i = rng.int(lines.length);
      const body = getBody(lines, i);
      const at = 2 + rng.int(Math.max(1, body.length - 2));
      setBody(lines, i, body.slice(0, at) + '\t'.repeat(1 + rng.int(2)) + body.slice(at + rng.int(9)));
    }),
  dropStartOrEnd: (s, rng) =>
    onLines(s, (lines) => {
      const codes = rng.pick([['01'], ['70'], ['01', '70'], ['05'], ['15']]);
      const idx = linesOf(lines, codes);
      if (idx.length) lines.splice(rng.pick(idx), 1);
    }),
};

/** Recomputes every TK15 total and count and the TK70 counts, so that damaged files can still pass. */
export const fixBgMaxTotals: Mutator = (s) =>
  onLines(s, (lines) => {
    const count = { p: 0, d: 0, x: 0, s: 0 };
    let sum: bigint | undefined;
    let n = 0;
    for (let i = 0; i < lines.length; i++) {
      const tk = tkOf(lines, i);
      const body = getBody(lines, i).padEnd(80, ' ');
      const amount = /^\d{18}$/.test(body.slice(37, 55)) ? BigInt(body.slice(37, 55)) : undefined;
      if (tk === '05') [sum, n] = [0n, 0];
      else if (tk === '20' || tk === '21') {
        if (tk === '20') count.p++;
        else count.d++;
        n++;
        if (sum !== undefined) sum = amount === undefined ? undefined : tk === '20' ? sum + amount : sum - amount;
      } else if (tk === '22' || tk === '23') count.x++;
      else if (tk === '15') {
        count.s++;
        const total = sum !== undefined && sum >= 0n ? zeros(String(sum), 18) : body.slice(50, 68);
        setBody(lines, i, body.slice(0, 50) + total + body.slice(68, 71) + zeros(String(n), 8) + body.slice(79));
        [sum, n] = [undefined, 0];
      } else if (tk === '70') {
        setBody(lines, i, `70${[count.p, count.d, count.x, count.s].map((c) => zeros(String(c), 8)).join('')}${body.slice(34)}`.replace(/ +$/, ''));
      }
    }
  });

