/**
 * Reads an SIE file (types 1–4, 4E or 4I) into a {@link SieDocument}.
 *
 * Decoding: codepage 437 (`#FORMAT PC8`) by default. A UTF-8 byte order mark means UTF-8. A file
 * that declares PC8 but is valid UTF-8 with non-ASCII characters is read as UTF-8 (one SIE-Gruppen
 * test file is mis-encoded that way). A file declaring another #FORMAT is read as UTF-8 when it is
 * valid UTF-8, otherwise as ISO-8859-1 (jsisie's fallback). Each of these gives a warning.
 *
 * Records: the labels of the model are parsed; every other label is ignored with one warning per
 * label (count and first line). #RTRANS/#BTRANS (change history) are ignored: the #TRANS rows are
 * the voucher as it stands, and the spec requires every #RTRANS to be followed by the same #TRANS.
 *
 * Checks that make the result `ok: false`: a voucher whose #TRANS do not sum to zero (reported on
 * its #VER line), malformed records, amounts or dates, a broken `{ … }` block, a missing #FNAMN or
 * #GEN, a non-SEK #VALUTA, and a #KSUMMA that is opened and not closed or does not match.
 *
 * #KSUMMA: the CRC-32 is computed over the records between the opening `#KSUMMA` and the closing
 * `#KSUMMA <crc>`, feeding each record's label and the unescaped contents of its fields (object
 * list items included) as CP437 bytes, without whitespace, quotes or braces. The closing value is
 * read as a decimal integer (negative values are taken as their unsigned 32-bit equivalent).
 */
import { SieChecksum, decodeCp437, decodeLatin1, decodeStrictUtf8 } from './codepage';
import { sieToIsoDate } from './dates';
import { type SieToken, tokeniseLine } from './lexical';
import { type SieAccount, type SieAccountType, type SieDocument, type SieFiscalYear, type SieObjectRef, type SieTransaction, type SieVoucher } from './model';
import { formatOre, parseAmountToOre } from './money';

/** A problem found on a line (1-based; 0 when it concerns the file as a whole). */
export interface SieDiagnostic {
  line: number;
  message: string;
}

export type ReadSieResult =
  | { ok: true; document: SieDocument; warnings: SieDiagnostic[] }
  | { ok: false; errors: SieDiagnostic[]; warnings: SieDiagnostic[] };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function decode(input: Buffer, warnings: SieDiagnostic[]): string {
  if (input.length >= 3 && UTF8_BOM.every((b, i) => input[i] === b)) {
    warnings.push({ line: 1, message: 'The file starts with a UTF-8 byte order mark; it was read as UTF-8 instead of codepage 437 (#FORMAT PC8).' });
    return input.subarray(3).toString('utf8');
  }
  // Labels and #FORMAT values are ASCII, so a Latin-1 view is enough to find the declaration.
  const format = /^[ \t]*#FORMAT[ \t]+"?([^"\s]*)/m.exec(decodeLatin1(input))?.[1];
  const hasNonAscii = input.some((b) => b >= 0x80);
  const utf8 = hasNonAscii ? decodeStrictUtf8(input) : undefined;
  if (format === undefined || format.toUpperCase() === 'PC8') {
    if (utf8 !== undefined) {
      warnings.push({ line: 0, message: 'The file is valid UTF-8 with non-ASCII characters although SIE files are codepage 437; it was read as UTF-8.' });
      return utf8;
    }
    return decodeCp437(input);
  }
  if (utf8 !== undefined) {
    warnings.push({ line: 0, message: `#FORMAT is ${format}, not PC8; the file is valid UTF-8 and was read as UTF-8.` });
    return utf8;
  }
  warnings.push({ line: 0, message: `#FORMAT is ${format}, not PC8; the file was read as ISO-8859-1 (Latin-1).` });
  return decodeLatin1(input);
}

interface OpenVoucher {
  voucher: SieVoucher;
  line: number;
  /** False until the `{` line has been seen. */
  open: boolean;
  pendingRtrans?: { line: number; account: string; amount: string };
}

const ACCOUNT_TYPES: readonly string[] = ['T', 'S', 'K', 'I'];

/** Reads an SIE file from its bytes (or from already decoded text). Never throws on bad input. */
export function readSie(input: Buffer | Uint8Array | string): ReadSieResult {
  const warnings: SieDiagnostic[] = [];
  const errors: SieDiagnostic[] = [];
  const text = typeof input === 'string' ? input : decode(Buffer.isBuffer(input) ? input : Buffer.from(input), warnings);
  const error = (line: number, message: string): void => void errors.push({ line, message });
  const warn = (line: number, message: string): void => void warnings.push({ line, message });

  let flag: 0 | 1 | undefined;
  let program: SieDocument['program'] | undefined;
  let sawFormat = false;
  let generated: SieDocument['generated'] | undefined;
  let sieType: SieDocument['sieType'] | undefined;
  let companyName: string | undefined;
  let organisationNumber: string | undefined;
  let chartOfAccountsType: string | undefined;
  let currency: 'SEK' | undefined;
  const fiscalYears: SieFiscalYear[] = [];
  const accounts = new Map<string, SieAccount>();
  const accountTypes = new Map<string, { type: SieAccountType; line: number }>();
  const vouchers: SieVoucher[] = [];
  const ignored = new Map<string, { count: number; firstLine: number; why: string }>();
  const usedUndeclared = new Map<string, number>();
  let current: OpenVoucher | undefined;
  let ksumma: { line: number; crc: SieChecksum } | undefined;
  let ksummaClosed = false;

  const ignore = (label: string, line: number, why: string): void => {
    const seen = ignored.get(label);
    if (seen) seen.count++;
    else ignored.set(label, { count: 1, firstLine: line, why });
  };

  const closeVoucher = (): void => {
    if (!current) return;
    const { voucher } = current;
    if (current.pendingRtrans) {
      warn(current.pendingRtrans.line, 'This #RTRANS is not followed by the identical #TRANS the spec requires.');
    }
    const sum = voucher.transactions.reduce((acc, t) => acc + t.amountOre, 0);
    if (sum !== 0) {
      const id = [voucher.series, voucher.number ?? ''].map((f) => (f === '' ? '""' : f)).join(' ');
      error(current.line, `Voucher ${id} of ${voucher.date} does not balance: its #TRANS rows sum to ${formatOre(sum)} instead of 0.00.`);
    }
    if (voucher.transactions.length === 0) warn(current.line, 'This voucher has no #TRANS rows.');
    vouchers.push(voucher);
    current = undefined;
  };

  // A DOS end-of-file mark (Ctrl-Z, 0x1A) after the last record is not part of the file.
  const endOfFile = String.fromCharCode(0x1a);
  const lines = text.split('\n').map((l) => (l.trim() === endOfFile ? '' : l));
  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const line = rawLine.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '') return;

    if (current && !current.open) {
      if (trimmed === '{') {
        current.open = true;
        return;
      }
      error(current.line, 'This #VER is not followed by a "{" line holding its #TRANS rows.');
      current = undefined;
    }
    if (trimmed === '{') {
      error(lineNo, 'A "{" line that does not follow a #VER.');
      return;
    }
    if (trimmed === '}') {
      if (current) closeVoucher();
      else error(lineNo, 'A "}" line that closes no voucher.');
      return;
    }
    if (!trimmed.startsWith('#')) {
      if (current) error(lineNo, 'A line inside a voucher that does not start with a #label.');
      else warn(lineNo, 'A line that does not start with a #label was ignored.');
      return;
    }
    const tokenised = tokeniseLine(trimmed);
    if (!tokenised.ok) {
      error(lineNo, tokenised.message);
      return;
    }
    const [labelToken, ...fields] = tokenised.tokens;
    const label = labelToken.kind === 'field' ? labelToken.value.toUpperCase() : '';
    if (ksumma && label !== '#KSUMMA') {
      ksumma.crc.add(label);
      for (const t of fields) {
        if (t.kind === 'field') ksumma.crc.add(t.value);
        else for (const item of t.items) ksumma.crc.add(item);
      }
    }
    const field = (i: number): string | undefined => {
      const t = fields[i];
      return t?.kind === 'field' ? t.value : undefined;
    };
    const date = (value: string | undefined, what: string): string | undefined => {
      if (value === undefined || value === '') return undefined;
      const iso = sieToIsoDate(value);
      if (iso === undefined) error(lineNo, `${what} ${JSON.stringify(value)} is not a real date written YYYYMMDD.`);
      return iso;
    };

    if (current && !['#TRANS', '#RTRANS', '#BTRANS'].includes(label)) {
      error(lineNo, `${label} is not allowed inside a voucher's { … } block.`);
      return;
    }

    switch (label) {
      case '#FLAGGA': {
        const v = field(0);
        if (v === '0' || v === '1') flag = v === '1' ? 1 : 0;
        else error(lineNo, `#FLAGGA must be 0 or 1, not ${JSON.stringify(v ?? '')}.`);
        return;
      }
      case '#PROGRAM': {
        const name = field(0) ?? '';
        const version = field(1);
        if (version === undefined) warn(lineNo, '#PROGRAM has no version.');
        program = { name, version: version ?? '' };
        return;
      }
      case '#FORMAT':
        sawFormat = true;
        if ((field(0) ?? '').toUpperCase() !== 'PC8') warn(lineNo, `#FORMAT is ${JSON.stringify(field(0) ?? '')}; SIE 4 files are PC8 (codepage 437).`);
        return;
      case '#GEN': {
        const d = date(field(0), '#GEN date');
        if (field(0) === undefined || field(0) === '') error(lineNo, '#GEN has no date.');
        const by = field(1);
        if (d !== undefined) generated = by !== undefined && by !== '' ? { date: d, by } : { date: d };
        return;
      }
      case '#SIETYP': {
        const v = field(0);
        if (v === '1' || v === '2' || v === '3' || v === '4') sieType = Number(v) as 1 | 2 | 3 | 4;
        else error(lineNo, `#SIETYP must be 1, 2, 3 or 4, not ${JSON.stringify(v ?? '')}.`);
        return;
      }
      case '#FNAMN':
        companyName = field(0) ?? '';
        return;
      case '#ORGNR': {
        const v = field(0);
        if (v !== undefined && v !== '') organisationNumber = v;
        return;
      }
      case '#KPTYP': {
        const v = field(0);
        if (v !== undefined && v !== '') chartOfAccountsType = v;
        return;
      }
      case '#VALUTA': {
        const v = (field(0) ?? '').toUpperCase();
        if (v === 'SEK') currency = 'SEK';
        else error(lineNo, `#VALUTA ${JSON.stringify(field(0) ?? '')} is not supported: amounts are read as öre in SEK.`);
        return;
      }
      case '#RAR': {
        const idx = field(0);
        const start = date(field(1), '#RAR start');
        const end = date(field(2), '#RAR end');
        if (idx === undefined || !/^(0|-[1-9]\d*)$/.test(idx)) {
          error(lineNo, `#RAR year number must be 0 or negative, not ${JSON.stringify(idx ?? '')}.`);
        } else if (start === undefined || end === undefined) {
          if (field(1) === undefined || field(2) === undefined) error(lineNo, '#RAR needs a start and an end date.');
        } else {
          fiscalYears.push({ index: Number(idx), start, end });
        }
        return;
      }
      case '#KONTO': {
        const number = field(0);
        if (number === undefined || number === '') {
          error(lineNo, '#KONTO has no account number.');
          return;
        }
        if (accounts.has(number)) warn(lineNo, `Account ${number} is declared again; the later name is kept.`);
        accounts.set(number, { number, name: field(1) ?? '' });
        return;
      }
      case '#KTYP': {
        const number = field(0);
        const type = (field(1) ?? '').toUpperCase();
        if (number === undefined || !ACCOUNT_TYPES.includes(type)) {
          warn(lineNo, `#KTYP ignored: it needs an account and a type T, S, K or I.`);
          return;
        }
        accountTypes.set(number, { type: type as SieAccountType, line: lineNo });
        return;
      }
      case '#VER': {
        const series = field(0);
        const number = field(1);
        const verDate = date(field(2), 'The voucher date');
        if (series === undefined || number === undefined) {
          error(lineNo, '#VER needs a series and a number (either may be "" in a 4I file).');
          return;
        }
        if (field(2) === undefined || field(2) === '') error(lineNo, '#VER has no voucher date.');
        const voucher: SieVoucher = { series, date: verDate ?? '', transactions: [] };
        if (number !== '') voucher.number = number;
        const verText = field(3);
        if (verText !== undefined && verText !== '') voucher.text = verText;
        const registeredOn = date(field(4), 'The registration date');
        if (registeredOn !== undefined) voucher.registeredOn = registeredOn;
        const registeredBy = field(5);
        if (registeredBy !== undefined && registeredBy !== '') voucher.registeredBy = registeredBy;
        current = { voucher, line: lineNo, open: false };
        return;
      }
      case '#TRANS':
      case '#RTRANS':
      case '#BTRANS': {
        if (!current) {
          error(lineNo, `${label} outside a voucher's { … } block.`);
          return;
        }
        const account = field(0);
        let rest: SieToken[] = fields.slice(1);
        const objects: SieObjectRef[] = [];
        if (rest[0]?.kind === 'list') {
          const items = rest[0].items;
          if (items.length % 2 !== 0) error(lineNo, 'The object list must hold dimension/object pairs.');
          for (let i = 0; i + 1 < items.length; i += 2) objects.push({ dimension: items[i], id: items[i + 1] });
          rest = rest.slice(1);
        } else {
          warn(lineNo, `${label} has no object list {…}; read as if it were {}.`);
        }
        const value = (i: number): string | undefined => {
          const t = rest[i];
          return t?.kind === 'field' ? t.value : undefined;
        };
        const amountText = value(0);
        if (account === undefined || account === '') {
          error(lineNo, `${label} has no account number.`);
          return;
        }
        if (label !== '#TRANS') {
          if (label === '#RTRANS') current.pendingRtrans = { line: lineNo, account, amount: amountText ?? '' };
          ignore(label, lineNo, 'change history; the #TRANS rows of the voucher are kept as they stand');
          return;
        }
        const pending = current.pendingRtrans;
        if (pending) {
          if (pending.account !== account || pending.amount !== amountText) {
            warn(pending.line, 'This #RTRANS is not followed by the identical #TRANS the spec requires.');
          }
          current.pendingRtrans = undefined;
        }
        const amountOre = amountText === undefined ? undefined : parseAmountToOre(amountText);
        if (amountOre === undefined) {
          error(lineNo, `#TRANS amount ${JSON.stringify(amountText ?? '')} is not an SIE amount (digits, optional minus, at most two decimals after a point).`);
          return;
        }
        const transaction: SieTransaction = { account, amountOre };
        const transDate = date(value(1), 'The transaction date');
        if (transDate !== undefined) transaction.date = transDate;
        const transText = value(2);
        if (transText !== undefined && transText !== '') transaction.text = transText;
        if (objects.length > 0) transaction.objects = objects;
        if (!accounts.has(account) && !usedUndeclared.has(account)) usedUndeclared.set(account, lineNo);
        current.voucher.transactions.push(transaction);
        return;
      }
      case '#KSUMMA': {
        const v = field(0);
        if (v === undefined || v === '') {
          if (ksumma || ksummaClosed) error(lineNo, 'A second opening #KSUMMA.');
          else ksumma = { line: lineNo, crc: new SieChecksum() };
          return;
        }
        if (!ksumma) {
          error(lineNo, 'A closing #KSUMMA without an opening #KSUMMA.');
          return;
        }
        const expected = /^-?\d+$/.test(v) ? Number(BigInt.asUintN(32, BigInt(v))) : undefined;
        const actual = ksumma.crc.value();
        if (expected === undefined) error(lineNo, `#KSUMMA ${JSON.stringify(v)} is not a number.`);
        else if (expected !== actual) error(lineNo, `#KSUMMA says ${v} but the records between lines ${ksumma.line} and ${lineNo} give ${actual}: the file was changed or damaged.`);
        ksumma = undefined;
        ksummaClosed = true;
        return;
      }
      default:
        ignore(label, lineNo, 'not part of the document model');
    }
  });

  if (current) {
    error(current.line, current.open ? 'This voucher is not closed with a "}" line.' : 'This #VER is not followed by a "{" line holding its #TRANS rows.');
  }
  if (ksumma) error(ksumma.line, 'The file opens a #KSUMMA checksum and never closes it; such a file must be refused.');

  for (const [label, { count, firstLine, why }] of ignored) {
    warn(firstLine, `${label} ignored (${count} record${count === 1 ? '' : 's'}, first on this line): ${why}.`);
  }
  for (const [number, { type, line }] of accountTypes) {
    const account = accounts.get(number);
    if (account) account.type = type;
    else warn(line, `#KTYP for account ${number}, which has no #KONTO, was ignored.`);
  }
  for (const [number, line] of usedUndeclared) {
    if (!accounts.has(number)) warn(line, `Account ${number} is used by a voucher but has no #KONTO.`);
  }
  if (flag === undefined) warn(0, 'The file has no #FLAGGA; 0 assumed.');
  if (program === undefined) warn(0, 'The file has no #PROGRAM.');
  if (!sawFormat) warn(0, 'The file has no #FORMAT; PC8 assumed.');
  if (sieType === undefined) warn(0, 'The file has no #SIETYP; type 1 assumed, as the spec says.');
  if (companyName === undefined) error(0, 'The file has no #FNAMN (company name), which every SIE file must have.');
  if (generated === undefined && !errors.some((e) => e.message.startsWith('#GEN'))) error(0, 'The file has no #GEN (generation date), which every SIE file must have.');

  warnings.sort((a, b) => a.line - b.line);
  if (errors.length > 0 || generated === undefined || companyName === undefined) {
    errors.sort((a, b) => a.line - b.line);
    return { ok: false, errors, warnings };
  }
  const document: SieDocument = {
    flag: flag ?? 0,
    program: program ?? { name: '', version: '' },
    format: 'PC8',
    generated,
    sieType: sieType ?? 1,
    company: organisationNumber !== undefined ? { name: companyName, organisationNumber } : { name: companyName },
    fiscalYears,
    accounts: [...accounts.values()],
    vouchers,
  };
  if (chartOfAccountsType !== undefined) document.chartOfAccountsType = chartOfAccountsType;
  if (currency !== undefined) document.currency = currency;
  return { ok: true, document, warnings };
}
