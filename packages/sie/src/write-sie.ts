/**
 * Writes a {@link SieDocument} as an SIE 4 file: codepage 437, CRLF line ends.
 *
 * - `4I` (import file, `.SI`): the header (#FLAGGA, #PROGRAM, #FORMAT, #GEN, #SIETYP, #ORGNR,
 *   #FNAMN, #RAR when given, #KPTYP when given, #VALUTA when given), #KONTO (+#KTYP) for the
 *   accounts the vouchers use, then the vouchers. No balances (#IB/#UB/#RES/#PSALDO are "not used"
 *   in 4I). Series and voucher number may be empty; the receiving program assigns them.
 * - `4E` (export file, `.SE`): the same header, #RAR is required, #KONTO (+#KTYP) for every account
 *   of the document, then the vouchers, which must have a series and a number. The model carries no
 *   balances, so no #IB/#UB/#RES are written (see the package README).
 *
 * Pure: takes an object, returns a Buffer; throws {@link SieWriteError} when the document
 * cannot be written faithfully.
 */
import { SieChecksum, encodeCp437, isCp437Encodable } from './codepage';
import { isIsoDate, isoToSieDate } from './dates';
import { bareOrQuotedField, hasControlCharacter, quoteField } from './lexical';
import { type Sie4FileType, type SieDocument, type SieTransaction } from './model';
import { formatOre } from './money';

export interface WriteSieOptions {
  type: Sie4FileType;
  /** Wrap the records in `#KSUMMA` … `#KSUMMA <crc>` (optional in the spec). Default false. */
  checksum?: boolean;
}

export type SieWriteErrorCode =
  | 'UNBALANCED_VOUCHER'
  | 'UNKNOWN_ACCOUNT'
  | 'INVALID_AMOUNT'
  | 'EMPTY_VOUCHER'
  | 'INVALID_DATE'
  | 'INVALID_FIELD'
  | 'UNENCODABLE_CHARACTER'
  | 'DUPLICATE_ACCOUNT'
  | 'MISSING_FISCAL_YEAR'
  | 'UNSUPPORTED_SIE_TYPE';

/** Why a document was refused; `message` is a full sentence meant for a person. */
export class SieWriteError extends Error {
  override readonly name = 'SieWriteError';
  constructor(
    readonly code: SieWriteErrorCode,
    message: string,
    /** Index into `doc.vouchers` when the problem is in a voucher. */
    readonly voucherIndex?: number,
  ) {
    super(message);
  }
}

type Field = { kind: 'bare' | 'auto' | 'quoted'; value: string } | { kind: 'list'; items: string[] };

const bare = (value: string): Field => ({ kind: 'bare', value });
const auto = (value: string): Field => ({ kind: 'auto', value });
const quoted = (value: string): Field => ({ kind: 'quoted', value });

class RecordWriter {
  private readonly lines: string[] = [];
  private checksum: SieChecksum | undefined;

  startChecksum(): void {
    this.lines.push('#KSUMMA');
    this.checksum = new SieChecksum();
  }

  endChecksum(): void {
    if (!this.checksum) return;
    this.lines.push(`#KSUMMA ${this.checksum.value()}`);
    this.checksum = undefined;
  }

  record(label: string, fields: Field[]): void {
    this.checksum?.add(label);
    const parts = [label];
    for (const field of fields) {
      if (field.kind === 'list') {
        for (const item of field.items) this.checksum?.add(item);
        parts.push(`{${field.items.map(quoteField).join(' ')}}`);
      } else {
        this.checksum?.add(field.value);
        parts.push(field.kind === 'bare' ? field.value : field.kind === 'quoted' ? quoteField(field.value) : bareOrQuotedField(field.value));
      }
    }
    this.lines.push(parts.join(' '));
  }

  raw(line: string): void {
    this.lines.push(line);
  }

  toString(): string {
    return this.lines.map((line) => `${line}\r\n`).join('');
  }
}

function describeVoucher(doc: SieDocument, index: number): string {
  const v = doc.vouchers[index];
  const id = [v.series, v.number].filter((part) => part !== undefined && part !== '').join(' ');
  return `Voucher ${index + 1}${id ? ` (${id})` : ''} dated ${v.date}`;
}

function checkText(value: string, what: string, voucherIndex?: number): void {
  if (hasControlCharacter(value)) {
    throw new SieWriteError('INVALID_FIELD', `${what} contains a control character (tab, line break …), which SIE does not allow inside a field.`, voucherIndex);
  }
  if (!isCp437Encodable(value)) {
    throw new SieWriteError('UNENCODABLE_CHARACTER', `${what} contains a character that codepage 437 (#FORMAT PC8) cannot represent: ${JSON.stringify(value)}.`, voucherIndex);
  }
}

function checkIdentifier(value: string, what: string, voucherIndex?: number): void {
  checkText(value, what, voucherIndex);
  if (value === '' || /\s/.test(value)) {
    throw new SieWriteError('INVALID_FIELD', `${what} must be non-empty and contain no spaces, but is ${JSON.stringify(value)}.`, voucherIndex);
  }
}

function checkDate(value: string, what: string, voucherIndex?: number): void {
  if (!isIsoDate(value)) {
    throw new SieWriteError('INVALID_DATE', `${what} must be a real date written YYYY-MM-DD, but is ${JSON.stringify(value)}.`, voucherIndex);
  }
}

function validate(doc: SieDocument, options: WriteSieOptions): void {
  if (doc.sieType !== 4) {
    throw new SieWriteError('UNSUPPORTED_SIE_TYPE', `writeSie4 writes SIE type 4 files only, but the document says SIE type ${String(doc.sieType)}.`);
  }
  checkText(doc.program.name, 'The program name');
  checkText(doc.program.version, 'The program version');
  checkDate(doc.generated.date, 'The generation date (#GEN)');
  if (doc.generated.by !== undefined) checkText(doc.generated.by, 'The #GEN signature');
  checkText(doc.company.name, 'The company name (#FNAMN)');
  if (doc.company.organisationNumber !== undefined) checkIdentifier(doc.company.organisationNumber, 'The organisation number (#ORGNR)');
  if (doc.chartOfAccountsType !== undefined) checkIdentifier(doc.chartOfAccountsType, 'The chart of accounts type (#KPTYP)');
  for (const year of doc.fiscalYears) {
    if (!Number.isSafeInteger(year.index) || year.index > 0) {
      throw new SieWriteError('INVALID_FIELD', `A fiscal year index (#RAR) must be 0 or a negative whole number, but is ${String(year.index)}.`);
    }
    checkDate(year.start, `The start of fiscal year ${year.index}`);
    checkDate(year.end, `The end of fiscal year ${year.index}`);
  }
  if (options.type === '4E' && doc.fiscalYears.length === 0) {
    throw new SieWriteError('MISSING_FISCAL_YEAR', 'A 4E export file must have at least one fiscal year (#RAR), but the document has none.');
  }
  const known = new Set<string>();
  for (const account of doc.accounts) {
    checkIdentifier(account.number, `The account number ${JSON.stringify(account.number)}`);
    checkText(account.name, `The name of account ${account.number}`);
    if (known.has(account.number)) {
      throw new SieWriteError('DUPLICATE_ACCOUNT', `Account ${account.number} is listed twice in the chart of accounts.`);
    }
    known.add(account.number);
  }
  doc.vouchers.forEach((voucher, index) => {
    const where = describeVoucher(doc, index);
    checkText(voucher.series, `The series of ${where}`, index);
    if (/\s/.test(voucher.series)) throw new SieWriteError('INVALID_FIELD', `The series of ${where} contains a space.`, index);
    if (voucher.number !== undefined) checkIdentifier(voucher.number, `The number of ${where}`, index);
    if (options.type === '4E' && (voucher.series === '' || voucher.number === undefined)) {
      throw new SieWriteError('INVALID_FIELD', `${where} has no series or no number; only a 4I import file may leave them to the receiving program.`, index);
    }
    checkDate(voucher.date, `The date of ${where}`, index);
    if (voucher.registeredOn !== undefined) checkDate(voucher.registeredOn, `The registration date of ${where}`, index);
    if (voucher.registeredBy !== undefined) checkText(voucher.registeredBy, `The registration signature of ${where}`, index);
    if (voucher.text !== undefined) checkText(voucher.text, `The text of ${where}`, index);
    if (voucher.transactions.length === 0) {
      throw new SieWriteError('EMPTY_VOUCHER', `${where} has no transactions.`, index);
    }
    let sum = 0;
    voucher.transactions.forEach((t: SieTransaction, row) => {
      const rowWhere = `Row ${row + 1} of ${where}`;
      if (!Number.isSafeInteger(t.amountOre)) {
        throw new SieWriteError('INVALID_AMOUNT', `${rowWhere} has the amount ${String(t.amountOre)}, which is not a whole number of öre.`, index);
      }
      if (!known.has(t.account)) {
        throw new SieWriteError('UNKNOWN_ACCOUNT', `${rowWhere} books on account ${JSON.stringify(t.account)}, which is not in the chart of accounts.`, index);
      }
      if (t.date !== undefined) checkDate(t.date, `The date of ${rowWhere.toLowerCase()}`, index);
      if (t.text !== undefined) checkText(t.text, `The text of ${rowWhere.toLowerCase()}`, index);
      for (const object of t.objects ?? []) {
        checkText(object.dimension, `An object dimension in ${rowWhere.toLowerCase()}`, index);
        checkText(object.id, `An object id in ${rowWhere.toLowerCase()}`, index);
      }
      sum += t.amountOre;
    });
    if (sum !== 0) {
      throw new SieWriteError('UNBALANCED_VOUCHER', `${where} does not balance: its transactions sum to ${formatOre(sum)} kr instead of 0.00.`, index);
    }
  });
}

/** Writes an SIE 4 file (`#FORMAT PC8`, codepage 437, CRLF). Throws {@link SieWriteError}. */
export function writeSie4(doc: SieDocument, options: WriteSieOptions): Buffer {
  validate(doc, options);
  const w = new RecordWriter();
  w.record('#FLAGGA', [bare(String(doc.flag))]);
  if (options.checksum) w.startChecksum();
  w.record('#PROGRAM', [quoted(doc.program.name), auto(doc.program.version)]);
  w.record('#FORMAT', [bare('PC8')]);
  w.record('#GEN', [bare(isoToSieDate(doc.generated.date)), ...(doc.generated.by !== undefined ? [auto(doc.generated.by)] : [])]);
  w.record('#SIETYP', [bare('4')]);
  if (doc.company.organisationNumber !== undefined) w.record('#ORGNR', [auto(doc.company.organisationNumber)]);
  w.record('#FNAMN', [quoted(doc.company.name)]);
  for (const year of doc.fiscalYears) {
    w.record('#RAR', [bare(String(year.index)), bare(isoToSieDate(year.start)), bare(isoToSieDate(year.end))]);
  }
  if (doc.chartOfAccountsType !== undefined) w.record('#KPTYP', [auto(doc.chartOfAccountsType)]);
  if (doc.currency !== undefined) w.record('#VALUTA', [bare(doc.currency)]);

  const used = new Set(doc.vouchers.flatMap((v) => v.transactions.map((t) => t.account)));
  for (const account of doc.accounts) {
    if (options.type === '4I' && !used.has(account.number)) continue;
    w.record('#KONTO', [auto(account.number), quoted(account.name)]);
    if (account.type !== undefined) w.record('#KTYP', [auto(account.number), bare(account.type)]);
  }

  for (const voucher of doc.vouchers) {
    const verFields: Field[] = [auto(voucher.series), auto(voucher.number ?? ''), bare(isoToSieDate(voucher.date))];
    const tail: Field[] = [quoted(voucher.text ?? '')];
    if (voucher.registeredOn !== undefined || voucher.registeredBy !== undefined) {
      tail.push(voucher.registeredOn !== undefined ? bare(isoToSieDate(voucher.registeredOn)) : quoted(''));
      if (voucher.registeredBy !== undefined) tail.push(quoted(voucher.registeredBy));
    }
    w.record('#VER', [...verFields, ...tail]);
    w.raw('{');
    for (const t of voucher.transactions) {
      const fields: Field[] = [
        auto(t.account),
        { kind: 'list', items: (t.objects ?? []).flatMap((o) => [o.dimension, o.id]) },
        bare(formatOre(t.amountOre)),
      ];
      if (t.date !== undefined || t.text !== undefined) {
        fields.push(t.date !== undefined ? bare(isoToSieDate(t.date)) : quoted(''));
        if (t.text !== undefined) fields.push(quoted(t.text));
      }
      w.record('#TRANS', fields);
    }
    w.raw('}');
  }
  if (options.checksum) w.endChecksum();
  return encodeCp437(w.toString());
}
