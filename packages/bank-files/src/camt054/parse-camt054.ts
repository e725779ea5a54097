// camt.054 (ISO 20022 BankToCustomerDebitCreditNotification, v001.02 and newer) → IncomingPayment.
// Streaming: the bytes are decoded 64 KiB at a time and fed to saxes; only one Ntry subtree (plus the message and
// notification headers) is held in memory at a time, and XML paths are only built for errors and payments.
// Namespace-agnostic: elements are matched on their local names (docs/formats.md §2).
// All-or-nothing: any error → { ok: false, errors } with every error found, each with line and XML path.
//
// Decisions where formats.md leaves room:
// - A payment is a booked (Sts / Sts/Cd = BOOK) entry that is either a credit (CRDT, no reversal) or the
//   reversal of a credit (DBIT with RvslInd=true, ISO's way of reporting a returned credit) → reversal: true.
//   Pending/info entries, plain debits and reversed debits (CRDT + RvslInd) are skipped with a warning.
// - Detail checks (transaction amounts, batch counts, TxDtls sums) apply to the entries we turn into
//   payments; skipped entries only need a valid Amt/Ccy, CdtDbtInd and Sts.
// - Transaction amount: the first of TxDtls/Amt, AmtDtls/TxAmt, AmtDtls/CntrValAmt, AmtDtls/InstdAmt,
//   AmtDtls/PrtryAmt that is in the entry's currency; a single-transaction entry falls back to the entry amount.
// - Structured references typed SCOR (or a proprietary type mentioning OCR) that are valid OCR numbers (Luhn,
//   2–25 digits) → ocr; an invalid one, an RF reference or another type → free_text (with a warning for SCOR).
// - BookgDt/DtTm and ValDt/DtTm keep the date as written (no time-zone conversion).
// - Two payments with the same bankReference in one file are an error (booking only one would lose money).
import { isUtf8 } from 'node:buffer';
import { parseOrganisationNumber } from '@pm/domain';
import { SaxesParser } from 'saxes';
import { type AccountRef, type IncomingPayment, type ParseIssue, type ParseResult } from '../incoming-payment';
import { ReferenceCollector, decimalToOre, detach, decimalToScaled, firstInvalidUtf8, formatOre, isIsoDate, lineOfOffset } from '../text';
import { NO_ATTRIBUTES, XNode, all, at, child, children, textAt } from './xml-node';

const STATUSES = new Set(['BOOK', 'PDNG', 'INFO', 'FUTR']);
/** Bytes (or UTF-16 code units for string input) handed to saxes at a time. */
const CHUNK = 65536;
/** Thrown from the saxes error handler to stop at the first error (saxes would otherwise go on to the end of the chunk). */
const ABORT = Symbol('abort');

interface NotificationState {
  index: number;
  node: XNode;
  id?: string;
  account?: AccountRef;
  accountSeen: boolean;
  entries: number;
  credits: number;
  debits: number;
  creditSum: bigint;
  debitSum: bigint;
  summary?: XNode;
  /** Shared account objects for transactions with their own creditor bankgiro (see accountWithBankgiro). */
  withBankgiro?: Map<AccountRef, Map<string, AccountRef>>;
}

/** What every payment of one entry shares. */
interface EntryFacts {
  currency: string;
  bookingDate: string;
  valueDate: string | undefined;
  reversal: boolean;
  account: AccountRef;
}

/** The decoded input, fed to saxes in chunks: a string, or bytes with the encoding they are decoded with. */
type Source = { text: string } | { bytes: Buffer; start: number; encoding: 'utf8' | 'latin1' };

/**
 * Decide how to decode camt bytes: UTF-8 (the banks' MIGs), or latin-1 when the bytes are not UTF-8 and the XML
 * declaration says latin-1. The bytes are decoded chunk by chunk while parsing (no copy of the whole file as text).
 */
function decodeXml(input: Uint8Array | string, errors: ParseIssue[]): Source | undefined {
  if (typeof input === 'string') return { text: input.replace(/^\uFEFF/, '') };
  const bytes = input;
  // A UTF-16 byte-order mark, or a NUL byte at the start (UTF-16 without a BOM: '<' is 3C 00 or 00 3C; a NUL can
  // never appear in UTF-8 XML).
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0))) {
    errors.push({ line: 1, path: '/', message: 'UTF-16 encoded XML is not supported; the banks deliver UTF-8.' });
    return undefined;
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return { bytes: buf, start: buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0, encoding: 'utf8' };
  const head = buf.subarray(0, 200).toString('latin1');
  if (/^<\?xml[^>]*encoding\s*=\s*["'](?:iso-8859-1|latin-?1|windows-1252)["']/i.test(head)) return { bytes: buf, start: 0, encoding: 'latin1' };
  const bad = firstInvalidUtf8(bytes);
  errors.push({ line: lineOfOffset(bytes, bad), path: '/', message: `The file is not valid UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad}).` });
  return undefined;
}

/** Feeds the source to `write` in chunks that end on a character boundary; stops early when `stop()` says so. */
function feedChunks(source: Source, write: (chunk: string) => void, stop: () => boolean): void {
  if ('text' in source) {
    const text = source.text;
    for (let i = 0; i < text.length && !stop(); ) {
      let end = Math.min(i + CHUNK, text.length);
      const code = text.charCodeAt(end - 1);
      if (end < text.length && code >= 0xd800 && code <= 0xdbff) end++;
      write(text.slice(i, end));
      i = end;
    }
    return;
  }
  const { bytes, encoding } = source;
  for (let i = source.start; i < bytes.length && !stop(); ) {
    let end = Math.min(i + CHUNK, bytes.length);
    // Valid UTF-8 (checked before): back up over continuation bytes to the start of a character.
    if (encoding === 'utf8') while (end < bytes.length && end > i + 1 && (bytes[end] & 0xc0) === 0x80) end--;
    write(bytes.toString(encoding, i, end));
    i = end;
  }
}

export function parseCamt054(input: Uint8Array | string): ParseResult {
  const errors: ParseIssue[] = [];
  const warnings: ParseIssue[] = [];
  const source = decodeXml(input, errors);
  if (source === undefined) return { ok: false, format: 'camt.054', errors };

  const err = (n: { line: number; path: string }, message: string, path = n.path): void => void errors.push({ line: n.line, path, message });
  const warn = (n: { line: number; path: string }, message: string, path = n.path): void => void warnings.push({ line: n.line, path, message });

  const payments: IncomingPayment[] = [];
  const accounts = new Map<string, AccountRef>();
  const seenRefs = new Map<string, string>();
  let msgId: string | undefined;
  let grpHdrSeen = false;
  let messageSeen = false;
  let semantic = true;
  let broken = false;
  let ntfctn: NotificationState | undefined;
  let ntfctnCount = 0;

  // The stack of open elements; stack[0] is the parent of the document element.
  const stack: XNode[] = [XNode.root()];
  let top = stack[0];
  let tagLine = 1;

  const parser = new SaxesParser({ position: true });

  parser.on('error', (e) => {
    if (broken) return;
    broken = true;
    errors.push({
      line: parser.line || 1,
      column: parser.column,
      path: top.path || '/',
      message: `Malformed XML: ${e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')}`,
    });
    throw ABORT;
  });

  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });

  parser.on('opentag', (tag) => {
    if (broken) return;
    // No xmlns option: plain name → value. Most tags have none; sharing one empty object lets saxes's per-tag
    // object die young instead of living (and being promoted) as long as the captured node.
    const attrs = hasKeys(tag.attributes) ? (tag.attributes as Record<string, string>) : NO_ATTRIBUTES;
    const colon = tag.name.indexOf(':');
    const name = colon === -1 ? tag.name : tag.name.slice(colon + 1);
    const parent = top;
    const depth = stack.length; // 1 = root element
    // Captured subtrees: the message header, and each direct child of a Ntfctn (Id, Acct, TxsSummry, Ntry …).
    let capture = false;
    if (depth === 1) {
      top = parent.open(name, attrs, tagLine, false);
      if (name !== 'Document') {
        err(top, `The root element is <${name}>; a camt.054 file starts with <Document>.`);
        semantic = false;
      } else {
        const ns = Object.entries(attrs).find(([k]) => k === 'xmlns' || k.startsWith('xmlns:'))?.[1];
        if (ns && /camt\.\d{3}/.test(ns) && !/camt\.054\./.test(ns)) {
          err(top, `The namespace ${ns} is not camt.054.`);
          semantic = false;
        }
      }
      stack.push(top);
      return;
    }
    if (depth === 2 && semantic) {
      top = parent.open(name, attrs, tagLine, false);
      if (name === 'BkToCstmrDbtCdtNtfctn') messageSeen = true;
      else {
        err(top, name === 'BkToCstmrStmt' ? 'This is a camt.053 statement; only camt.054 notifications are supported.' : `Expected <BkToCstmrDbtCdtNtfctn> under <Document>, found <${name}>.`);
        semantic = false;
      }
      stack.push(top);
      return;
    }
    if (depth === 3 && semantic && parent.name === 'BkToCstmrDbtCdtNtfctn') capture = name === 'GrpHdr';
    else if (depth === 4 && semantic && parent.name === 'Ntfctn' && ntfctn) capture = true;
    top = parent.open(name, attrs, tagLine, capture);
    if (depth === 3 && semantic && name === 'Ntfctn' && parent.name === 'BkToCstmrDbtCdtNtfctn') {
      ntfctnCount++;
      ntfctn = { index: ntfctnCount, node: top, accountSeen: false, entries: 0, credits: 0, debits: 0, creditSum: 0n, debitSum: 0n };
    }
    stack.push(top);
  });

  const onText = (t: string): void => {
    if (!broken && top.keep) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', () => {
    if (broken) return;
    const node = stack.pop() as XNode;
    top = stack[stack.length - 1] ?? stack[0];
    if (!semantic || stack.length === 0) return;
    const depth = stack.length; // after the pop: the closed element's depth
    if (depth === 3 && node.name === 'GrpHdr' && node.keep) {
      grpHdrSeen = true;
      msgId = textAt(node, 'MsgId');
      if (!msgId) err(node, 'GrpHdr/MsgId is missing.', `${node.path}/MsgId`);
      if (!textAt(node, 'CreDtTm')) err(node, 'GrpHdr/CreDtTm is missing.', `${node.path}/CreDtTm`);
    } else if (depth === 3 && node.name === 'Ntfctn' && ntfctn) {
      finishNotification(ntfctn);
      ntfctn = undefined;
    } else if (depth === 4 && node.keep && ntfctn) {
      if (node.name === 'Id') ntfctn.id = node.text.trim() || undefined;
      else if (node.name === 'Acct') readAccount(node, ntfctn);
      else if (node.name === 'TxsSummry') ntfctn.summary = node;
      else if (node.name === 'Ntry') processEntry(node, ntfctn);
    }
  });

  function readAccount(node: XNode, n: NotificationState): void {
    n.accountSeen = true;
    const id = child(node, 'Id');
    if (!id || id.size === 0) {
      err(node, 'Ntfctn/Acct/Id is missing.', `${node.path}/Id`);
      n.account = {};
      return;
    }
    const account: AccountRef = {};
    const iban = textAt(id, 'IBAN');
    if (iban) account.iban = iban.replace(/\s+/g, '');
    const bg = bankgiroOf(id);
    if (bg) account.bankgiro = bg;
    n.account = account;
    accounts.set(JSON.stringify(account), account);
  }

  function finishNotification(n: NotificationState): void {
    if (!n.id) err(n.node, 'Ntfctn/Id is missing.', `${n.node.path}/Id`);
    if (!n.accountSeen) err(n.node, 'Ntfctn/Acct is missing.', `${n.node.path}/Acct`);
    const s = n.summary;
    if (!s) return;
    const checkCount = (path: string, actual: number, what: string): void => {
      const node = at(s, path);
      if (!node) return;
      const v = node.text.trim();
      if (!/^\d+$/.test(v)) err(node, `${path} must be a whole number, found "${v}".`);
      else if (Number(v) !== actual) err(node, `TxsSummry says ${Number(v)} ${what} but the notification has ${actual}.`);
    };
    const checkSum = (path: string, actual: bigint, what: string): void => {
      const node = at(s, path);
      if (!node) return;
      const v = decimalToScaled(node.text.trim());
      if (v === undefined) err(node, `${path} must be a decimal amount, found "${node.text.trim()}".`);
      else if (v !== actual) err(node, `TxsSummry says the ${what} sum to ${node.text.trim()} but the entries sum to ${scaledToText(actual)}.`);
    };
    checkCount('TtlNtries/NbOfNtries', n.entries, 'entries');
    checkCount('TtlCdtNtries/NbOfNtries', n.credits, 'credit entries');
    checkCount('TtlDbtNtries/NbOfNtries', n.debits, 'debit entries');
    checkSum('TtlCdtNtries/Sum', n.creditSum, 'credit entries');
    checkSum('TtlDbtNtries/Sum', n.debitSum, 'debit entries');
  }

  /** Validates an <Amt Ccy="…"> node; returns öre and currency, or undefined after reporting an error. */
  function amountOf(node: XNode): { ore: number; ccy: string } | undefined {
    const ccy = node.attrs.Ccy ?? node.attrs.ccy;
    let ok = true;
    if (!ccy || !/^[A-Z]{3}$/.test(ccy)) {
      err(node, `The Ccy attribute must be a 3-letter currency code, found ${ccy === undefined ? 'none' : `"${ccy}"`}.`);
      ok = false;
    }
    const ore = decimalToOre(node.text.trim());
    if (typeof ore === 'string') {
      err(node, `Invalid amount: ${ore}.`);
      ok = false;
    }
    return ok ? { ore: ore as number, ccy: ccy as string } : undefined;
  }

  function dateOf(parent: XNode, name: string): { date?: string; present: boolean; node?: XNode } {
    const d = child(parent, name);
    if (!d) return { present: false };
    const dt = child(d, 'Dt');
    const dtTm = child(d, 'DtTm');
    const src = dt ?? dtTm;
    if (!src) {
      err(d, `${name} has neither Dt nor DtTm.`);
      return { present: true, node: d };
    }
    const v = src.text.trim();
    const date = v.slice(0, 10);
    const valid = dt ? isIsoDate(v) : isIsoDate(date) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/.test(v);
    if (!valid) {
      err(src, `${name}/${src.name} is not a valid ${dt ? 'date (YYYY-MM-DD)' : 'date-time'}: "${v}".`);
      return { present: true, node: d };
    }
    return { date, present: true, node: d };
  }

  function processEntry(ntry: XNode, n: NotificationState): void {
    n.entries++;
    const ntryIndex = n.entries;
    const amtNode = child(ntry, 'Amt');
    let amount: { ore: number; ccy: string } | undefined;
    if (!amtNode) err(ntry, 'Ntry/Amt is missing.', `${ntry.path}/Amt`);
    else amount = amountOf(amtNode);

    const cdiNode = child(ntry, 'CdtDbtInd');
    const cdi = cdiNode?.text.trim();
    if (!cdiNode) err(ntry, 'Ntry/CdtDbtInd is missing.', `${ntry.path}/CdtDbtInd`);
    else if (cdi !== 'CRDT' && cdi !== 'DBIT') err(cdiNode, `CdtDbtInd must be CRDT or DBIT, found "${cdi}".`);
    if (amtNode && (cdi === 'CRDT' || cdi === 'DBIT')) {
      const scaled = decimalToScaled(amtNode.text.trim()) ?? 0n;
      if (cdi === 'CRDT') {
        n.credits++;
        n.creditSum += scaled;
      } else {
        n.debits++;
        n.debitSum += scaled;
      }
    }

    const stsNode = child(ntry, 'Sts');
    const sts = stsNode ? (child(stsNode, 'Cd') ?? child(stsNode, 'Prtry') ?? stsNode).text.trim() : undefined;
    if (!stsNode) err(ntry, 'Ntry/Sts is missing.', `${ntry.path}/Sts`);
    else if (!sts || !STATUSES.has(sts)) err(stsNode, `Unknown entry status "${sts ?? ''}" (expected BOOK, PDNG, INFO or FUTR).`);

    const rvslNode = child(ntry, 'RvslInd');
    const rvslText = rvslNode?.text.trim();
    if (rvslNode && !['true', 'false', '1', '0'].includes(rvslText ?? '')) err(rvslNode, `RvslInd must be true or false, found "${rvslText}".`);
    const reversal = rvslText === 'true' || rvslText === '1';

    const booking = dateOf(ntry, 'BookgDt');
    const value = dateOf(ntry, 'ValDt');

    if (!amount || !stsNode || !STATUSES.has(sts ?? '') || (cdi !== 'CRDT' && cdi !== 'DBIT')) return;
    if (sts !== 'BOOK') return void warn(ntry, `Entry with status ${sts} skipped: only booked entries are payments.`);
    if (cdi === 'DBIT' && !reversal) return void warn(ntry, 'Debit entry skipped: not an incoming payment.');
    if (cdi === 'CRDT' && reversal) return void warn(ntry, 'Reversal of a debit (CRDT with RvslInd=true) skipped: not a customer payment.');
    if (!booking.present) return void err(ntry, 'A booked entry needs BookgDt.', `${ntry.path}/BookgDt`);
    if (!booking.date) return;

    const entryRef = textAt(ntry, 'AcctSvcrRef');
    const txs = all(ntry, 'NtryDtls/TxDtls');
    const batches = all(ntry, 'NtryDtls/Btch');
    const entry: EntryFacts = { currency: amount.ccy, bookingDate: booking.date, valueDate: value.date, reversal, account: n.account ?? {} };

    if (txs.length === 0) {
      if (amount.ore === 0) return void err(amtNode as XNode, 'The entry amount must be greater than zero.');
      checkBatches(batches, 0, amount.ccy, amount.ore, 1);
      const ref = entryRef ?? fallbackRef(n.index, ntryIndex, 0, ntry);
      addPayment(entry, ntry, ref, amount.ore, entry.account, {}, []);
      return;
    }

    let sum = 0;
    let resolvedAll = true;
    const drafts: Array<{ tx: XNode; ore: number; txIndex: number }> = [];
    txs.forEach((tx, i) => {
      const txCdi = textAt(tx, 'CdtDbtInd') ?? cdi;
      const ore = txAmount(tx, amount as { ore: number; ccy: string }, txs.length);
      if (ore === undefined) {
        resolvedAll = false;
        return;
      }
      if (txCdi !== cdi) {
        warn(tx, `Transaction with CdtDbtInd ${txCdi} inside a ${cdi} entry skipped.`);
        sum -= ore;
        return;
      }
      sum += ore;
      if (ore === 0) {
        err(tx, 'The transaction amount must be greater than zero.');
        return;
      }
      drafts.push({ tx, ore, txIndex: i + 1 });
    });
    // One transaction or many: what the bank credited (the entry) must be what its transactions say,
    // else the booking would not be the money that arrived.
    if (resolvedAll && sum !== amount.ore) {
      err(
        amtNode as XNode,
        txs.length === 1
          ? `The entry amount ${formatOre(amount.ore)} ${amount.ccy} differs from its transaction's amount, ${formatOre(sum)}.`
          : `The entry amount ${formatOre(amount.ore)} ${amount.ccy} differs from the sum of its ${txs.length} transactions, ${sum < 0 ? '-' + formatOre(-sum) : formatOre(sum)}.`,
      );
    }
    checkBatches(batches, txs.length, amount.ccy, resolvedAll ? sum : undefined, txs.length);

    for (const { tx, ore, txIndex } of drafts) {
      const refs = child(tx, 'Refs');
      const txAcctSvcrRef = textAt(refs, 'AcctSvcrRef');
      const txId = textAt(refs, 'TxId');
      let bankReference: string;
      if (txAcctSvcrRef && txAcctSvcrRef !== 'NOTPROVIDED') bankReference = txAcctSvcrRef;
      else if (txId && txId !== 'NOTPROVIDED') bankReference = txId;
      else if (entryRef && entryRef !== 'NOTPROVIDED') bankReference = txs.length === 1 ? entryRef : `${entryRef}/${txIndex}`;
      else bankReference = fallbackRef(n.index, ntryIndex, txIndex, tx);
      const creditorBg = bankgiroOf(at(tx, 'RltdPties/CdtrAcct/Id'));
      const account = creditorBg ? accountWithBankgiro(n, entry.account, creditorBg) : entry.account;
      const payer = payerOf(tx);
      const references = referencesOf(tx, (m) => warn(tx, m));
      addPayment(entry, tx, bankReference, ore, account, payer, references);
    }
  }

  /** The entry's account with the transaction's creditor bankgiro; one shared object per combination. */
  function accountWithBankgiro(n: NotificationState, account: AccountRef, bankgiro: string): AccountRef {
    n.withBankgiro ??= new Map();
    let byBg = n.withBankgiro.get(account);
    if (byBg === undefined) {
      byBg = new Map();
      n.withBankgiro.set(account, byBg);
    }
    let out = byBg.get(bankgiro);
    if (out === undefined) {
      out = { ...account, bankgiro };
      byBg.set(bankgiro, out);
    }
    return out;
  }

  function checkBatches(batches: XNode[], txCount: number, ccy: string, sum: number | undefined, expectTx: number): void {
    if (batches.length === 0) return;
    let declared = 0;
    let allCounts = true;
    for (const b of batches) {
      const nb = child(b, 'NbOfTxs');
      if (nb) {
        const v = nb.text.trim();
        if (!/^\d+$/.test(v)) {
          err(nb, `NbOfTxs must be a whole number, found "${v}".`);
          allCounts = false;
        } else declared += Number(v);
      } else allCounts = false;
      const ttl = child(b, 'TtlAmt');
      if (ttl && batches.length === 1 && sum !== undefined) {
        const t = amountOf(ttl);
        if (t && t.ccy === ccy && t.ore !== sum) err(ttl, `Btch/TtlAmt ${formatOre(t.ore)} differs from the sum of the transactions, ${formatOre(sum)}.`);
      }
    }
    if (allCounts && txCount > 0 && declared !== txCount) {
      err(batches[0], `Btch/NbOfTxs says ${declared} transactions but the entry has ${txCount} TxDtls.`);
    } else if (allCounts && txCount === 0 && declared > expectTx) {
      warn(batches[0], `Btch/NbOfTxs says ${declared} transactions but the entry has no TxDtls; booked as one payment.`);
    }
  }

  /** The transaction's amount in the entry currency, or undefined after an error. */
  function txAmount(tx: XNode, entry: { ore: number; ccy: string }, txCount: number): number | undefined {
    const candidates = [
      child(tx, 'Amt'),
      at(tx, 'AmtDtls/TxAmt/Amt'),
      at(tx, 'AmtDtls/CntrValAmt/Amt'),
      at(tx, 'AmtDtls/InstdAmt/Amt'),
      at(tx, 'AmtDtls/PrtryAmt/Amt'),
    ].filter((x): x is XNode => x !== undefined);
    const same = candidates.find((c) => (c.attrs.Ccy ?? c.attrs.ccy) === entry.ccy);
    if (same) return amountOf(same)?.ore;
    if (txCount === 1) {
      if (candidates.length > 0) warn(tx, `No transaction amount in the entry currency ${entry.ccy}; the entry amount is used.`);
      return entry.ore;
    }
    err(
      tx,
      candidates.length > 0
        ? `No transaction amount in the entry currency ${entry.ccy}, so the batch entry cannot be split.`
        : 'A batch entry with several transactions needs an amount per transaction (TxDtls/Amt or AmtDtls).',
    );
    return undefined;
  }

  function fallbackRef(ntfctnIndex: number, ntryIndex: number, txIndex: number, node: XNode): string {
    warn(node, 'No bank reference (AcctSvcrRef or TxId); the bank reference is built from the message id and positions.');
    return `${msgId ?? 'NOMSGID'}/${ntfctnIndex}/${ntryIndex}/${txIndex}`;
  }

  function addPayment(e: EntryFacts, node: XNode, bankReference: string, amountOre: number, account: AccountRef, payer: IncomingPayment['payer'], references: IncomingPayment['references']): void {
    const location = node.path;
    const earlier = seenRefs.get(bankReference);
    if (earlier !== undefined) {
      err(node, `Bank reference "${bankReference}" is used twice in the file (also at ${earlier}).`);
      return;
    }
    seenRefs.set(bankReference, location);
    bankReference = detach(bankReference);
    const source = { format: 'camt.054' as const, location, line: node.line };
    const { currency, bookingDate, valueDate, reversal } = e;
    payments.push(
      valueDate
        ? { bankReference, amountOre, currency, bookingDate, valueDate, account, payer, references, source, reversal }
        : { bankReference, amountOre, currency, bookingDate, account, payer, references, source, reversal },
    );
  }

  try {
    feedChunks(source, (chunk) => void parser.write(chunk), () => broken);
    if (!broken) parser.close();
  } catch (e) {
    // saxes reports XML errors through the handler above (which stops with ABORT); anything else is a bug here or in
    // saxes. It is still reported as a located error (an import must not crash on one file), but not as bad XML.
    if (e !== ABORT && !broken) errors.push({ line: parser.line || 1, path: top.path || '/', message: `Internal error while reading the XML: ${(e as Error).message}` });
    broken = true;
  }

  if (!broken && semantic) {
    if (!messageSeen) errors.push({ line: 1, path: '/Document/BkToCstmrDbtCdtNtfctn', message: 'The file has no BkToCstmrDbtCdtNtfctn message.' });
    else {
      if (!grpHdrSeen) errors.push({ line: 1, path: '/Document/BkToCstmrDbtCdtNtfctn/GrpHdr', message: 'GrpHdr is missing.' });
      if (ntfctnCount === 0) errors.push({ line: 1, path: '/Document/BkToCstmrDbtCdtNtfctn/Ntfctn', message: 'The message has no Ntfctn.' });
    }
  }

  if (errors.length > 0) return { ok: false, format: 'camt.054', errors: sortIssues(errors) };
  const account = accounts.size === 1 ? [...accounts.values()][0] : {};
  return { ok: true, format: 'camt.054', payments, warnings: sortIssues(warnings), account };
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Bankgiro number from an account Id block: Othr/Id with SchmeNm Prtry or Cd = BGNR. */
function bankgiroOf(id: XNode | undefined): string | undefined {
  for (const othr of children(id, 'Othr')) {
    const scheme = textAt(othr, 'SchmeNm/Prtry') ?? textAt(othr, 'SchmeNm/Cd');
    const v = textAt(othr, 'Id');
    if (scheme === 'BGNR' && v) return v.replace(/[\s-]/g, '');
  }
  return undefined;
}

function payerOf(tx: XNode): IncomingPayment['payer'] {
  const dbtr = at(tx, 'RltdPties/Dbtr');
  const party = child(dbtr, 'Pty') ?? dbtr;
  const payer: IncomingPayment['payer'] = {};
  const name = textAt(party, 'Nm');
  if (name) payer.name = detach(name);
  const adr = child(party, 'PstlAdr');
  if (adr) {
    const street = [textAt(adr, 'StrtNm'), textAt(adr, 'BldgNb')].filter(Boolean).join(' ');
    const lines = [street, ...children(adr, 'AdrLine').map((l) => l.text.trim()), [textAt(adr, 'PstCd'), textAt(adr, 'TwnNm')].filter(Boolean).join(' '), textAt(adr, 'Ctry') ?? ''];
    const address = lines.filter((l) => l !== '').map(detach);
    if (address.length > 0) payer.address = address;
  }
  for (const othr of all(party, 'Id/OrgId/Othr')) {
    const org = parseOrganisationNumber(textAt(othr, 'Id') ?? '');
    if (org.ok) {
      payer.organisationNumber = org.value;
      break;
    }
  }
  const bg = bankgiroOf(at(tx, 'RltdPties/DbtrAcct/Id'));
  if (bg) payer.bankgiro = bg;
  return payer;
}

function referencesOf(tx: XNode, warn: (message: string) => void): IncomingPayment['references'] {
  const refs = new ReferenceCollector();
  const rmt = child(tx, 'RmtInf');
  for (const strd of children(rmt, 'Strd')) {
    for (const cri of children(strd, 'CdtrRefInf')) {
      const ref = textAt(cri, 'Ref');
      if (!ref) continue;
      const cd = textAt(cri, 'Tp/CdOrPrtry/Cd');
      const prtry = textAt(cri, 'Tp/CdOrPrtry/Prtry');
      const ocrTyped = cd === 'SCOR' || (prtry !== undefined && /ocr/i.test(prtry));
      if (ocrTyped && refs.addOcr(ref)) continue;
      if (ocrTyped && !/^RF\d{2}/i.test(ref)) warn(`Structured creditor reference "${ref}" is not a valid OCR number; kept as free text.`);
      refs.addFreeText(ref);
    }
    for (const doc of children(strd, 'RfrdDocInf')) {
      const nb = textAt(doc, 'Nb');
      if (nb) refs.addInvoiceNumber(nb);
    }
    for (const add of children(strd, 'AddtlRmtInf')) refs.addFreeText(add.text);
  }
  for (const u of children(rmt, 'Ustrd')) refs.addFreeText(u.text);
  return refs.build();
}

function scaledToText(v: bigint, scale = 5): string {
  const s = v.toString().padStart(scale + 1, '0');
  return `${s.slice(0, -scale)}.${s.slice(-scale)}`.replace(/\.?0+$/, '');
}

function sortIssues(list: ParseIssue[]): ParseIssue[] {
  return list.map((x, i) => [x, i] as const).sort((a, b) => a[0].line - b[0].line || a[1] - b[1]).map(([x]) => x);
}
