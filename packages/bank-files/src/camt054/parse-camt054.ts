// camt.054 (ISO 20022 BankToCustomerDebitCreditNotification, v001.02 and newer) → IncomingPayment.
// Streaming: saxes feeds events; only one Ntry subtree (plus the message and notification headers) is held in
// memory at a time. Namespace-agnostic: elements are matched on their local names (docs/formats.md §2).
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
import { parseOrganisationNumber } from '@pm/domain';
import { SaxesParser } from 'saxes';
import { type AccountRef, type IncomingPayment, type ParseIssue, type ParseResult } from '../incoming-payment';
import { ReferenceCollector, decimalToOre, decimalToScaled, firstInvalidUtf8, formatOre, isIsoDate, lineOfOffset } from '../text';
import { type XNode, all, at, child, children, textAt } from './xml-node';

const REPEATABLE = new Set(['Ntfctn', 'Ntry', 'NtryDtls', 'TxDtls', 'Strd', 'Ustrd', 'RfrdDocInf', 'AdrLine', 'Btch', 'AddtlRmtInf']);
const STATUSES = new Set(['BOOK', 'PDNG', 'INFO', 'FUTR']);
const CHUNK = 65536;

interface Frame {
  name: string;
  path: string;
  counts: Map<string, number>;
  node?: XNode;
}

interface NotificationState {
  index: number;
  node: { path: string; line: number };
  id?: string;
  account?: AccountRef;
  accountSeen: boolean;
  entries: number;
  credits: number;
  debits: number;
  creditSum: bigint;
  debitSum: bigint;
  summary?: XNode;
}

/** Decode camt bytes: UTF-8 (the banks' MIGs), or latin-1 when the XML declaration says so. */
function decodeXml(input: Uint8Array | string, errors: ParseIssue[]): string | undefined {
  if (typeof input === 'string') return input.replace(/^\uFEFF/, '');
  const bytes = input;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    errors.push({ line: 1, path: '/', message: 'UTF-16 encoded XML is not supported; the banks deliver UTF-8.' });
    return undefined;
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = firstInvalidUtf8(bytes);
  if (bad === -1) return buf.toString('utf8').replace(/^\uFEFF/, '');
  const head = buf.subarray(0, 200).toString('latin1');
  if (/^<\?xml[^>]*encoding\s*=\s*["'](?:iso-8859-1|latin-?1|windows-1252)["']/i.test(head)) return buf.toString('latin1');
  errors.push({ line: lineOfOffset(bytes, bad), path: '/', message: `The file is not valid UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad}).` });
  return undefined;
}

export function parseCamt054(input: Uint8Array | string): ParseResult {
  const errors: ParseIssue[] = [];
  const warnings: ParseIssue[] = [];
  const text = decodeXml(input, errors);
  if (text === undefined) return { ok: false, format: 'camt.054', errors };

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

  const root: Frame = { name: '', path: '', counts: new Map() };
  const stack: Frame[] = [root];
  let tagLine = 1;
  let tagColumn = 1;

  const parser = new SaxesParser({ position: true });

  parser.on('error', (e) => {
    if (broken) return;
    broken = true;
    errors.push({
      line: parser.line || 1,
      column: parser.column,
      path: stack[stack.length - 1].path || '/',
      message: `Malformed XML: ${e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')}`,
    });
  });

  parser.on('opentagstart', () => {
    tagLine = parser.line;
    tagColumn = parser.column;
  });

  parser.on('opentag', (tag) => {
    if (broken) return;
    const name = tag.name.slice(tag.name.indexOf(':') + 1);
    const parent = stack[stack.length - 1];
    const n = (parent.counts.get(name) ?? 0) + 1;
    parent.counts.set(name, n);
    const path = `${parent.path}/${name}${REPEATABLE.has(name) || n > 1 ? `[${n}]` : ''}`;
    const frame: Frame = { name, path, counts: new Map() };
    const depth = stack.length; // 1 = root element
    const loc = { line: tagLine, path };

    if (depth === 1) {
      if (name !== 'Document') {
        err(loc, `The root element is <${name}>; a camt.054 file starts with <Document>.`);
        semantic = false;
      } else {
        const ns = Object.entries(tag.attributes as Record<string, string>).find(([k]) => k === 'xmlns' || k.startsWith('xmlns:'))?.[1];
        if (ns && /camt\.\d{3}/.test(ns) && !/camt\.054\./.test(ns)) {
          err(loc, `The namespace ${ns} is not camt.054.`);
          semantic = false;
        }
      }
    } else if (depth === 2 && semantic) {
      if (name === 'BkToCstmrDbtCdtNtfctn') messageSeen = true;
      else {
        err(loc, name === 'BkToCstmrStmt' ? 'This is a camt.053 statement; only camt.054 notifications are supported.' : `Expected <BkToCstmrDbtCdtNtfctn> under <Document>, found <${name}>.`);
        semantic = false;
      }
    } else if (depth === 3 && semantic && parent.name === 'BkToCstmrDbtCdtNtfctn') {
      if (name === 'GrpHdr') frame.node = newNode(name, tag.attributes as Record<string, string>, path);
      else if (name === 'Ntfctn') {
        ntfctnCount++;
        ntfctn = { index: ntfctnCount, node: loc, accountSeen: false, entries: 0, credits: 0, debits: 0, creditSum: 0n, debitSum: 0n };
      }
    } else if (depth === 4 && semantic && parent.name === 'Ntfctn' && ntfctn) {
      frame.node = newNode(name, tag.attributes as Record<string, string>, path);
    } else if (parent.node) {
      frame.node = newNode(name, tag.attributes as Record<string, string>, path);
      parent.node.children.push(frame.node);
    }
    stack.push(frame);
  });

  function newNode(name: string, attrs: Record<string, string>, path: string): XNode {
    return { name, attrs, text: '', children: [], line: tagLine, column: tagColumn, path };
  }

  const onText = (t: string): void => {
    if (broken) return;
    const node = stack[stack.length - 1].node;
    if (node) node.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', () => {
    if (broken) return;
    const frame = stack.pop();
    if (!frame || !semantic) return;
    const depth = stack.length; // after the pop: the closed element's depth
    const node = frame.node;
    if (depth === 3 && frame.name === 'GrpHdr' && node) {
      grpHdrSeen = true;
      msgId = textAt(node, 'MsgId');
      if (!msgId) err(node, 'GrpHdr/MsgId is missing.', `${node.path}/MsgId`);
      if (!textAt(node, 'CreDtTm')) err(node, 'GrpHdr/CreDtTm is missing.', `${node.path}/CreDtTm`);
    } else if (depth === 3 && frame.name === 'Ntfctn' && ntfctn) {
      finishNotification(ntfctn);
      ntfctn = undefined;
    } else if (depth === 4 && node && ntfctn) {
      if (node.name === 'Id') ntfctn.id = node.text.trim() || undefined;
      else if (node.name === 'Acct') readAccount(node, ntfctn);
      else if (node.name === 'TxsSummry') ntfctn.summary = node;
      else if (node.name === 'Ntry') processEntry(node, ntfctn);
    }
  });

  function readAccount(node: XNode, n: NotificationState): void {
    n.accountSeen = true;
    const id = child(node, 'Id');
    if (!id || id.children.length === 0) {
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
    const base = {
      currency: amount.ccy,
      bookingDate: booking.date,
      ...(value.date ? { valueDate: value.date } : {}),
      reversal,
      account: n.account ?? {},
    };

    if (txs.length === 0) {
      if (amount.ore === 0) return void err(amtNode as XNode, 'The entry amount must be greater than zero.');
      checkBatches(batches, 0, amount.ccy, amount.ore, 1);
      const ref = entryRef ?? fallbackRef(n.index, ntryIndex, 0, ntry);
      addPayment({ ...base, bankReference: ref, amountOre: amount.ore, payer: {}, references: [], source: { format: 'camt.054', location: ntry.path, line: ntry.line } }, ntry);
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
    if (resolvedAll && txs.length > 1 && sum !== amount.ore) {
      err(amtNode as XNode, `The entry amount ${formatOre(amount.ore)} ${amount.ccy} differs from the sum of its ${txs.length} transactions, ${sum < 0 ? '-' + formatOre(-sum) : formatOre(sum)}.`);
    }
    checkBatches(batches, txs.length, amount.ccy, resolvedAll ? sum : undefined, txs.length);

    for (const { tx, ore, txIndex } of drafts) {
      const refs = tx.children.find((c) => c.name === 'Refs');
      const txAcctSvcrRef = textAt(refs, 'AcctSvcrRef');
      const txId = textAt(refs, 'TxId');
      let bankReference: string;
      if (txAcctSvcrRef && txAcctSvcrRef !== 'NOTPROVIDED') bankReference = txAcctSvcrRef;
      else if (txId && txId !== 'NOTPROVIDED') bankReference = txId;
      else if (entryRef && entryRef !== 'NOTPROVIDED') bankReference = txs.length === 1 ? entryRef : `${entryRef}/${txIndex}`;
      else bankReference = fallbackRef(n.index, ntryIndex, txIndex, tx);
      const creditorBg = bankgiroOf(at(tx, 'RltdPties/CdtrAcct/Id'));
      addPayment(
        {
          ...base,
          ...(creditorBg ? { account: { ...base.account, bankgiro: creditorBg } } : {}),
          bankReference,
          amountOre: ore,
          payer: payerOf(tx),
          references: referencesOf(tx, (m) => warn(tx, m)),
          source: { format: 'camt.054', location: tx.path, line: tx.line },
        },
        tx,
      );
    }
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

  function addPayment(p: IncomingPayment, node: XNode): void {
    const earlier = seenRefs.get(p.bankReference);
    if (earlier !== undefined) {
      err(node, `Bank reference "${p.bankReference}" is used twice in the file (also at ${earlier}).`);
      return;
    }
    seenRefs.set(p.bankReference, node.path);
    payments.push({
      bankReference: p.bankReference,
      amountOre: p.amountOre,
      currency: p.currency,
      bookingDate: p.bookingDate,
      ...(p.valueDate ? { valueDate: p.valueDate } : {}),
      account: p.account,
      payer: p.payer,
      references: p.references,
      source: p.source,
      reversal: p.reversal,
    });
  }

  const feed = (): void => {
    for (let i = 0; i < text.length && !broken; ) {
      let end = Math.min(i + CHUNK, text.length);
      const code = text.charCodeAt(end - 1);
      if (end < text.length && code >= 0xd800 && code <= 0xdbff) end++;
      parser.write(text.slice(i, end));
      i = end;
    }
    parser.close();
  };
  try {
    feed();
  } catch (e) {
    if (!broken) errors.push({ line: parser.line || 1, path: stack[stack.length - 1]?.path || '/', message: `Malformed XML: ${(e as Error).message}` });
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
  if (name) payer.name = name;
  const adr = child(party, 'PstlAdr');
  if (adr) {
    const street = [textAt(adr, 'StrtNm'), textAt(adr, 'BldgNb')].filter(Boolean).join(' ');
    const lines = [street, ...children(adr, 'AdrLine').map((l) => l.text.trim()), [textAt(adr, 'PstCd'), textAt(adr, 'TwnNm')].filter(Boolean).join(' '), textAt(adr, 'Ctry') ?? ''];
    const address = lines.filter((l) => l !== '');
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
