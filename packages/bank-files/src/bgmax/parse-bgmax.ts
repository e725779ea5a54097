// BgMax (Bankgirot "Bankgiro Inbetalningar", 80-column records) → IncomingPayment.
// Field positions: docs/formats.md §1.2 (Bankgirot technical manual, Nov 2019). All-or-nothing: a file with
// any error returns every error found, each with its 1-based line, and no payments.
//
// Decisions where the manual / formats.md leave room (see also the package README in the report):
// - TK21 deductions become their own IncomingPayment with `reversal: true` (amount positive, the amount to
//   take back). They cannot be netted into "their" TK20 because the file does not link them to one payment
//   (only to a payer), and keeping them separate keeps Σ non-reversal − Σ reversal = the deposit amount.
// - TK22/TK23 extra references are added to the payment they follow (OCR if refcode 2 and a valid OCR).
//   Their partial amounts are validated (digits) but not carried: the payment's total is always in TK20.
// - The payer's bankgiro (TK20 sender) failing its check digit is a warning (Bankgirot's own example files
//   have such numbers); the recipient's bankgiro (TK05) failing it is an error.
// - The TK20 reference (refcode 3/5) and the TK25 texts are joined into one free text. A piece that fills its
//   whole field (25 resp. 50 characters, last one non-blank) was cut by the bank, so the next piece is
//   appended without a space ('…kund nr 88' + '49' → '…kund nr 8849'); otherwise with one space.
// - Unknown record types are skipped with a warning, as the manual requires. A TK01 test marker 'T' is a
//   warning. Non-SEK sections are accepted (older files have EUR) with a warning.
// - A fragment (a section without TK01/TK70, as Bankgirot's "isolated deposit" example) is an error unless
//   `allowFragment` is set.
import { parseBankgiro } from '@pm/domain';
import { type AccountRef, type IncomingPayment, type ParseIssue, type ParseResult } from '../incoming-payment';
import { ReferenceCollector, compactDate, detach, firstInvalidUtf8, formatOre, hasNonAscii } from '../text';

export interface BgMaxOptions {
  /** Accept a file without TK01/TK70 (a lone section). Default false. */
  allowFragment?: boolean;
}

const KNOWN = new Set(['01', '05', '15', '20', '21', '22', '23', '25', '26', '27', '28', '29', '70']);

interface Draft {
  line: number;
  deduction: boolean;
  senderBg: string;
  amount: bigint;
  serial: string;
  refs: ReferenceCollector;
  /** Free-text pieces in order, each marked whether it filled its whole field. */
  text: Array<{ value: string; full: boolean }>;
  infoCount: number;
  name?: string;
  /** TK27 street and postcode, TK28 town, country and country code. */
  address?: { street?: string; postcode?: string; town?: string; country?: string; countryCode?: string };
  orgNo?: string;
}

interface Section {
  line: number;
  bankgiro: string;
  currency: string;
  drafts: Draft[];
}

/** What every payment of one deposit shares. */
interface Deposit {
  section: Section;
  /** The TK15 payment date, 'YYYY-MM-DD' … */
  date: string;
  /** … and as written, 'YYYYMMDD' (for the bank reference). */
  compactDate: string;
  serial: string;
  account: AccountRef;
}

/** Decode BgMax bytes: valid UTF-8 containing non-ASCII → UTF-8 (repairing double encoding), else latin-1. */
export function decodeBgMax(input: Uint8Array | string): { text: string; encoding: string; warnings: ParseIssue[] } {
  const warnings: ParseIssue[] = [];
  if (typeof input === 'string') return { text: input.replace(/^\uFEFF/, ''), encoding: 'string', warnings };
  let bytes = input;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!hasNonAscii(bytes)) return { text: buf.toString('latin1'), encoding: 'ascii', warnings };
  if (firstInvalidUtf8(bytes) !== -1) return { text: buf.toString('latin1'), encoding: 'latin1', warnings };
  let text = buf.toString('utf8');
  let encoding = 'utf-8';
  // Double encoding: UTF-8 bytes read as latin-1 and written as UTF-8 again ('Ã¥' for 'å').
  if (/[\u00c2-\u00c3][\u0080-\u00bf]/.test(text) && !/[\u0100-\uffff]/.test(text)) {
    const again = Buffer.from(text, 'latin1');
    if (firstInvalidUtf8(again) === -1) {
      text = again.toString('utf8');
      encoding = 'utf-8 (double-encoded, repaired)';
      warnings.push({ line: 1, message: 'The file was UTF-8 encoded twice; the text was repaired.' });
    }
  }
  const bad = text.indexOf('\uFFFD');
  if (bad !== -1) {
    const line = text.slice(0, bad).split(/\r\n|\r|\n/).length;
    warnings.push({
      line,
      message: 'The file contains U+FFFD replacement characters (it was converted with data loss before it reached us); names and texts may be damaged.',
    });
  }
  return { text, encoding, warnings };
}

function expandTabs(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\t') out += ' '.repeat(8 - (out.length % 8));
    else out += ch;
  }
  return out;
}

const stripZeros = (s: string): string => s.replace(/^0+/, '');

/** True when `value` is exactly `len` ASCII digits. */
function isDigits(value: string, len: number): boolean {
  if (value.length !== len) return false;
  for (let i = 0; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function parseBgMax(input: Uint8Array | string, options: BgMaxOptions = {}): ParseResult {
  const decoded = decodeBgMax(input);
  const warnings = decoded.warnings;
  const errors: ParseIssue[] = [];
  const err = (line: number, message: string): void => void errors.push({ line, message });
  const warn = (line: number, message: string): void => void warnings.push({ line, message });

  const rawLines = decoded.text.split(/\r\n|\r|\n/);
  const payments: IncomingPayment[] = [];
  const bankgiros = new Set<string>();
  /** Deposit key (bankgiro, date, insättningslöpnummer) → line of its TK15. */
  const deposits = new Map<string, number>();
  const count = { payments: 0, deductions: 0, extra: 0, deposits: 0 };
  let startLine = 0;
  let endLine = 0;
  let firstRecordLine = 0;
  let lastRecordLine = 0;
  let section: Section | null = null;
  let draft: Draft | null = null;

  const digits = (line: number, value: string, len: number, what: string): boolean => {
    if (isDigits(value, len)) return true;
    err(line, `${what} must be ${len} digits, found "${value}".`);
    return false;
  };

  const finishDraft = (): void => {
    if (draft && section) section.drafts.push(draft);
    draft = null;
  };

  const needDraft = (line: number, tk: string): Draft | null => {
    if (!draft) err(line, `TK${tk} record outside a payment: it must follow a TK20 or TK21 record.`);
    return draft;
  };

  const addReference = (d: Draft, line: number, field: string, refCode: string, primary: boolean): void => {
    const trimmed = field.trim();
    if (trimmed === '') return;
    switch (refCode) {
      case '2':
        if (!d.refs.addOcr(trimmed)) {
          warn(line, `Reference "${trimmed}" has reference code 2 (OCR) but is not a valid OCR number; kept as free text.`);
          d.refs.addFreeText(trimmed);
        }
        return;
      case '4':
        if (!d.refs.addOcr(trimmed)) d.refs.addInvoiceNumber(trimmed);
        return;
      default:
        // 3 (free text / several references), 5 (wrong reference), 0/1 (should be blank) and reserved codes.
        if (primary) d.text.push({ value: field.trimStart().replace(/\s+$/, ''), full: field.length === 25 && field[24] !== ' ' });
        else d.refs.addFreeText(trimmed);
    }
  };

  /** Fields shared by TK20–TK23 (positions 3–70). Returns undefined amount when invalid. */
  const paymentFields = (line: number, r: string, tk: string) => {
    const senderBg = r.slice(2, 12);
    const ref = r.slice(12, 37);
    const amountField = r.slice(37, 55);
    const refCode = r.slice(55, 56);
    const channel = r.slice(56, 57);
    const serial = r.slice(57, 69);
    const image = r.slice(69, 70);
    digits(line, senderBg, 10, `TK${tk} sender bankgiro (positions 3-12)`);
    const amountOk = digits(line, amountField, 18, `TK${tk} amount (positions 38-55)`);
    if (!/^\d$/.test(refCode)) err(line, `TK${tk} reference code (position 56) must be a digit, found "${refCode}".`);
    else if (refCode >= '6') warn(line, `TK${tk} reference code ${refCode} is reserved; the reference is kept as free text.`);
    if (!/^\d$/.test(channel)) err(line, `TK${tk} payment channel code (position 57) must be a digit, found "${channel}".`);
    digits(line, serial, 12, `TK${tk} BGC serial number (positions 58-69)`);
    if (!/^\d$/.test(image)) err(line, `TK${tk} image marker (position 70) must be a digit, found "${image}".`);
    return { senderBg, ref, amount: amountOk ? BigInt(amountField) : undefined, refCode, serial };
  };

  for (let i = 0; i < rawLines.length; i++) {
    const lineNo = i + 1;
    let raw = rawLines[i];
    if (i === 0) raw = raw.replace(/^\uFEFF/, '');
    if (raw.includes('\t')) {
      raw = expandTabs(raw);
      warn(lineNo, 'TAB characters were expanded to 8-column tab stops.');
    }
    if (!/\S/.test(raw)) continue;
    if (raw.length > 80 && raw.slice(80).trim() !== '') warn(lineNo, `The record is ${raw.length} characters long; everything after column 80 is ignored.`);
    const r = raw.length < 80 ? raw.padEnd(80, ' ') : raw.slice(0, 80);
    const tk = r.slice(0, 2);
    if (!firstRecordLine) firstRecordLine = lineNo;
    lastRecordLine = lineNo;

    if (endLine && KNOWN.has(tk)) {
      err(lineNo, `TK${tk} record after the end record (TK70 on line ${endLine}).`);
      continue;
    }
    if (!KNOWN.has(tk)) {
      warn(lineNo, `Unknown record type "${tk}" skipped.`);
      continue;
    }
    if (tk !== '01' && !startLine && lineNo === firstRecordLine && !options.allowFragment) {
      err(lineNo, 'The file does not start with a TK01 start record (01BGMAX).');
    }

    switch (tk) {
      case '01': {
        if (startLine) {
          err(lineNo, `Second TK01 start record (the first is on line ${startLine}).`);
          break;
        }
        if (lineNo !== firstRecordLine) err(lineNo, 'The TK01 start record must be the first record of the file.');
        startLine = lineNo;
        const layout = r.slice(2, 22).trim();
        if (layout !== 'BGMAX') err(lineNo, `TK01 layout name must be "BGMAX", found "${layout}".`);
        const version = r.slice(22, 24);
        if (!/^\d{2}$/.test(version)) err(lineNo, `TK01 version must be 2 digits, found "${version}".`);
        else if (version !== '01') warn(lineNo, `TK01 layout version ${version}; this parser knows version 01.`);
        const stamp = r.slice(24, 44);
        if (!/^\d{20}$/.test(stamp) || !compactDate(stamp.slice(0, 8))) err(lineNo, `TK01 timestamp must be YYYYMMDDHHmmss + 6 digits, found "${stamp}".`);
        const mark = r.slice(44, 45);
        if (mark === 'T') warn(lineNo, 'TK01 marks this as a TEST file.');
        else if (mark !== 'P') err(lineNo, `TK01 test marker must be "P" or "T", found "${mark}".`);
        break;
      }
      case '05': {
        finishDraft();
        if (section) err(section.line, `The section opened on line ${section.line} has no TK15 deposit record before the next TK05.`);
        const bgField = r.slice(2, 12);
        let bankgiro = '';
        if (digits(lineNo, bgField, 10, 'TK05 recipient bankgiro (positions 3-12)')) {
          const parsed = parseBankgiro(stripZeros(bgField));
          if (!parsed.ok) err(lineNo, `TK05 recipient bankgiro ${bgField}: ${parsed.reason}`);
          else bankgiro = parsed.value;
        }
        const pg = r.slice(12, 22);
        if (pg.trim() !== '' && !/^\d{10}$/.test(pg)) err(lineNo, `TK05 plusgiro number (positions 13-22) must be 10 digits or blank, found "${pg}".`);
        const currency = r.slice(22, 25);
        if (!/^[A-Z]{3}$/.test(currency)) err(lineNo, `TK05 currency must be a 3-letter code, found "${currency}".`);
        else if (currency !== 'SEK') warn(lineNo, `Section in ${currency}; Bankgirot reports only SEK since 2016.`);
        if (bankgiro) bankgiros.add(bankgiro);
        section = { line: lineNo, bankgiro, currency, drafts: [] };
        break;
      }
      case '20':
      case '21': {
        finishDraft();
        const deduction = tk === '21';
        if (deduction) count.deductions++;
        else count.payments++;
        if (!section) err(lineNo, `TK${tk} ${deduction ? 'deduction' : 'payment'} record outside a section (no TK05 before it).`);
        const f = paymentFields(lineNo, r, tk);
        if (f.amount === 0n) err(lineNo, `TK${tk} amount must be greater than zero.`);
        if (deduction && !/^[0-2]$/.test(r.slice(70, 71))) err(lineNo, `TK21 deduction code (position 71) must be 0, 1 or 2, found "${r.slice(70, 71)}".`);
        const d: Draft = {
          line: lineNo,
          deduction,
          senderBg: f.senderBg,
          amount: f.amount ?? 0n,
          serial: f.serial,
          refs: new ReferenceCollector(),
          text: [],
          infoCount: 0,
        };
        if (/^\d{10}$/.test(f.senderBg) && stripZeros(f.senderBg) !== '') {
          const bg = parseBankgiro(stripZeros(f.senderBg));
          if (!bg.ok) warn(lineNo, `Payer bankgiro ${f.senderBg}: ${bg.reason}`);
        }
        addReference(d, lineNo, f.ref, f.refCode, true);
        draft = section ? d : null;
        break;
      }
      case '22':
      case '23': {
        count.extra++;
        const d = needDraft(lineNo, tk);
        const f = paymentFields(lineNo, r, tk);
        if (d) addReference(d, lineNo, f.ref, f.refCode, false);
        break;
      }
      case '25': {
        const d = needDraft(lineNo, tk);
        if (!d) break;
        d.infoCount++;
        if (d.infoCount === 91) warn(lineNo, 'More than 90 TK25 information records for one payment.');
        const field = r.slice(2, 52);
        const value = field.replace(/\s+$/, '');
        if (value.trim() !== '') d.text.push({ value, full: field[49] !== ' ' });
        break;
      }
      case '26': {
        const d = needDraft(lineNo, tk);
        if (!d) break;
        if (d.name !== undefined) warn(lineNo, 'Second TK26 name record for one payment; the last one is used.');
        const name = [r.slice(2, 37).trim(), r.slice(37, 72).trim()].filter(Boolean).join(' ');
        d.name = name || undefined;
        break;
      }
      case '27':
      case '28': {
        const d = needDraft(lineNo, tk);
        if (!d) break;
        d.address ??= {};
        if (tk === '27') {
          d.address.street = r.slice(2, 37).trim();
          d.address.postcode = r.slice(37, 46).trim();
        } else {
          d.address.town = r.slice(2, 37).trim();
          d.address.country = r.slice(37, 72).trim();
          d.address.countryCode = r.slice(72, 74).trim();
        }
        break;
      }
      case '29': {
        const d = needDraft(lineNo, tk);
        if (!d) break;
        const raw29 = r.slice(2, 14).trim();
        if (raw29 === '') break;
        if (!/^\d+$/.test(raw29)) {
          warn(lineNo, `TK29 organisation number "${raw29}" is not numeric; ignored.`);
          break;
        }
        const ten = raw29.length === 12 && raw29.startsWith('00') ? raw29.slice(2) : raw29;
        if (/^\d{10}$/.test(ten)) d.orgNo = `${ten.slice(0, 6)}-${ten.slice(6)}`;
        else {
          warn(lineNo, `TK29 organisation number "${raw29}" does not have 10 digits; kept as written.`);
          d.orgNo = raw29;
        }
        break;
      }
      case '15': {
        finishDraft();
        count.deposits++;
        if (!section) {
          err(lineNo, 'TK15 deposit record outside a section (no TK05 before it).');
          break;
        }
        const s: Section = section;
        section = null;
        const account = r.slice(2, 37);
        if (!/^[\d ]{35}$/.test(account)) err(lineNo, `TK15 bank account (positions 3-37) must be digits, found "${account.trim()}".`);
        const dateField = r.slice(37, 45);
        const date = compactDate(dateField);
        if (!date) err(lineNo, `TK15 payment date (positions 38-45) must be a valid YYYYMMDD date, found "${dateField}".`);
        const serial = r.slice(45, 50);
        digits(lineNo, serial, 5, 'TK15 deposit serial number (positions 46-50)');
        const amountField = r.slice(50, 68);
        const amountOk = digits(lineNo, amountField, 18, 'TK15 deposit amount (positions 51-68)');
        const currency = r.slice(68, 71);
        if (!/^[A-Z]{3}$/.test(currency)) err(lineNo, `TK15 currency must be a 3-letter code, found "${currency}".`);
        else if (s.currency && currency !== s.currency) err(lineNo, `TK15 currency ${currency} differs from the section's currency ${s.currency} (TK05 on line ${s.line}).`);
        const countField = r.slice(71, 79);
        const nP = s.drafts.filter((d) => !d.deduction).length;
        const nD = s.drafts.length - nP;
        if (digits(lineNo, countField, 8, 'TK15 number of payments (positions 72-79)') && Number(countField) !== s.drafts.length) {
          err(lineNo, `TK15 says ${Number(countField)} payment records but the section has ${s.drafts.length} (${nP} TK20 + ${nD} TK21).`);
        }
        const kind = r.slice(79, 80);
        if (!/^[KD ]$/.test(kind)) warn(lineNo, `TK15 deposit type (position 80) "${kind}" is not K, D or blank.`);
        const net = s.drafts.reduce((sum, d) => (d.deduction ? sum - d.amount : sum + d.amount), 0n);
        if (amountOk && BigInt(amountField) !== net) {
          err(lineNo, `TK15 deposit amount ${formatOre(BigInt(amountField))} differs from the section's payments minus deductions, ${net < 0n ? '-' + formatOre(-net) : formatOre(net)}.`);
        }
        if (!date || !s.bankgiro) break;
        const depositKey = `${s.bankgiro}:${dateField}:${serial}`;
        const earlier = deposits.get(depositKey);
        if (earlier !== undefined) {
          // The manual makes the deposit serial unique per bankgiro and year: the same deposit twice in one file
          // would give its payments the same bank references, and the import would book only one of each.
          err(lineNo, `TK15 deposit ${serial} of ${date} for bankgiro ${s.bankgiro} appears twice in the file (also on line ${earlier}).`);
          break;
        }
        deposits.set(depositKey, lineNo);
        const deposit: Deposit = { section: s, date, compactDate: dateField, serial, account: { bankgiro: s.bankgiro } };
        let nthP = 0;
        let nthD = 0;
        for (const d of s.drafts) {
          const nth = d.deduction ? ++nthD : ++nthP;
          if (d.amount > BigInt(Number.MAX_SAFE_INTEGER)) {
            err(d.line, 'Amount too large.');
            continue;
          }
          payments.push(toPayment(d, deposit, `${d.deduction ? 'D' : 'P'}${nth}`));
        }
        break;
      }
      case '70': {
        finishDraft();
        if (section) {
          err(section.line, `The section opened on line ${section.line} has no TK15 deposit record.`);
          section = null;
        }
        endLine = lineNo;
        const fields: Array<[string, number, string]> = [
          [r.slice(2, 10), count.payments, 'payments'],
          [r.slice(10, 18), count.deductions, 'deductions'],
          [r.slice(18, 26), count.extra, 'extra references'],
          [r.slice(26, 34), count.deposits, 'deposits'],
        ];
        for (const [field, actual, what] of fields) {
          if (!digits(lineNo, field, 8, `TK70 number of ${what}`)) continue;
          if (Number(field) !== actual) err(lineNo, `TK70: Found ${actual} ${what} but expected ${Number(field)}`);
        }
        break;
      }
    }
  }

  if (!firstRecordLine) {
    err(1, 'The file is empty: no BgMax records.');
  } else {
    if (section) err((section as Section).line, `The section opened on line ${(section as Section).line} has no TK15 deposit record.`);
    if (!endLine && !options.allowFragment) err(lastRecordLine, 'The file has no TK70 end record.');
  }

  if (errors.length > 0) return { ok: false, format: 'bgmax', errors: sortIssues(errors) };
  const account: AccountRef = bankgiros.size === 1 ? { bankgiro: [...bankgiros][0] } : {};
  return { ok: true, format: 'bgmax', payments, warnings: sortIssues(warnings), account };
}

function toPayment(d: Draft, deposit: Deposit, position: string): IncomingPayment {
  const s = deposit.section;
  if (d.text.length > 0) {
    let joined = d.text[0].value;
    for (let k = 1; k < d.text.length; k++) joined += (d.text[k - 1].full ? '' : ' ') + d.text[k].value;
    d.refs.addFreeText(joined);
  }
  const payer: IncomingPayment['payer'] = {};
  if (d.name) payer.name = detach(d.name);
  const senderBg = stripZeros(d.senderBg);
  if (senderBg) payer.bankgiro = senderBg;
  if (d.orgNo) payer.organisationNumber = d.orgNo;
  if (d.address) {
    const a = d.address;
    const lines = [a.street, [a.postcode, a.town].filter(Boolean).join(' '), [a.country, a.countryCode].filter(Boolean).join(' ')];
    const address = lines.filter((x): x is string => !!x).map(detach);
    if (address.length > 0) payer.address = address;
  }
  return {
    // detach: one flat string instead of a chain of string pieces (100,000 payments).
    bankReference: detach(`BGMAX:${s.bankgiro}:${deposit.compactDate}:${deposit.serial}:${position}:${d.serial}`),
    amountOre: Number(d.amount),
    currency: s.currency,
    bookingDate: deposit.date,
    account: deposit.account,
    payer,
    references: d.refs.build(),
    source: { format: 'bgmax', location: `line ${d.line}`, line: d.line },
    reversal: d.deduction,
  };
}

function sortIssues(list: ParseIssue[]): ParseIssue[] {
  return list.map((x, i) => [x, i] as const).sort((a, b) => a[0].line - b[0].line || a[1] - b[1]).map(([x]) => x);
}
