// Test/benchmark helper: a camt.054 notification with N booked incoming payments,
// each with an OCR reference (check digit and length digit), grouped into batch entries like a Bankgiro deposit.
import { writeFileSync } from 'node:fs';
import { luhnCheckDigit } from '@pm/domain';
import { seededRandom } from './seeded-random';

export interface GenerateCamt054Options {
  /** Number of payments (TxDtls). */
  payments: number;
  /** Transactions per batch entry (Ntry). Default 50. */
  perEntry?: number;
  /** Schema version: '02' (flat Sts, AmtDtls/TxAmt) or '08' (Sts/Cd, TxDtls/Amt, Dbtr/Pty). Default '02'. */
  version?: '02' | '08';
  /** PRNG seed for amounts and OCR bodies. Default 1. */
  seed?: number;
  bankgiro?: string;
  bookingDate?: string;
}

export interface GeneratedPayment {
  bankReference: string;
  amountOre: number;
  ocr: string;
}

/** An OCR number with length digit and Luhn check digit for a numeric body. */
export function makeOcr(body: string): string {
  const withLength = body + String((body.length + 2) % 10);
  return withLength + String(luhnCheckDigit(withLength));
}


const money = (ore: number): string => `${Math.floor(ore / 100)}.${String(ore % 100).padStart(2, '0')}`;

export function generateCamt054(options: GenerateCamt054Options): { xml: string; payments: GeneratedPayment[] } {
  const { payments: count, perEntry = 50, version = '02', seed = 1, bankgiro = '9912346', bookingDate = '2026-03-02' } = options;
  const rnd = seededRandom(seed);
  const expected: GeneratedPayment[] = [];
  const entries: string[] = [];
  let creditSum = 0;
  for (let start = 0, e = 1; start < count; start += perEntry, e++) {
    const n = Math.min(perEntry, count - start);
    const txs: string[] = [];
    let total = 0;
    for (let k = 0; k < n; k++) {
      const ore = 100 + Math.floor(rnd() * 5_000_000);
      total += ore;
      const ocr = makeOcr(String(100000 + start + k));
      const txId = `BG${String(e).padStart(6, '0')}${String(k + 1).padStart(5, '0')}`;
      expected.push({ bankReference: txId, amountOre: ore, ocr });
      const amount =
        version === '08'
          ? `<Amt Ccy="SEK">${money(ore)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>`
          : `<AmtDtls><TxAmt><Amt Ccy="SEK">${money(ore)}</Amt></TxAmt></AmtDtls>`;
      const dbtr = version === '08' ? `<Dbtr><Pty><Nm>Betalare ${start + k + 1}</Nm></Pty></Dbtr>` : `<Dbtr><Nm>Betalare ${start + k + 1}</Nm></Dbtr>`;
      txs.push(
        `<TxDtls><Refs><TxId>${txId}</TxId><EndToEndId>NOTPROVIDED</EndToEndId></Refs>${amount}` +
          `<RltdPties>${dbtr}<CdtrAcct><Id><Othr><Id>${bankgiro}</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id></CdtrAcct></RltdPties>` +
          `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${ocr}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>`,
      );
    }
    creditSum += total;
    const sts = version === '08' ? '<Sts><Cd>BOOK</Cd></Sts>' : '<Sts>BOOK</Sts>';
    entries.push(
      `<Ntry><NtryRef>${e}</NtryRef><Amt Ccy="SEK">${money(total)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>${sts}` +
        `<BookgDt><Dt>${bookingDate}</Dt></BookgDt><ValDt><Dt>${bookingDate}</Dt></ValDt><AcctSvcrRef>DEP${String(e).padStart(6, '0')}</AcctSvcrRef>` +
        `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>` +
        `<NtryDtls><Btch><NbOfTxs>${n}</NbOfTxs><TtlAmt Ccy="SEK">${money(total)}</TtlAmt></Btch>\n${txs.join('\n')}\n</NtryDtls></Ntry>`,
    );
  }
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.${version}">\n<BkToCstmrDbtCdtNtfctn>\n` +
    `<GrpHdr><MsgId>GEN-${seed}-${count}</MsgId><CreDtTm>${bookingDate}T18:00:00+01:00</CreDtTm></GrpHdr>\n` +
    `<Ntfctn><Id>GEN-${seed}-${count}-1</Id><CreDtTm>${bookingDate}T18:00:00+01:00</CreDtTm>` +
    `<Acct><Id><Othr><Id>${bankgiro}</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id><Ccy>SEK</Ccy></Acct>\n` +
    `<TxsSummry><TtlNtries><NbOfNtries>${entries.length}</NbOfNtries></TtlNtries><TtlCdtNtries><NbOfNtries>${entries.length}</NbOfNtries><Sum>${money(creditSum)}</Sum></TtlCdtNtries></TxsSummry>\n` +
    `${entries.join('\n')}\n</Ntfctn>\n</BkToCstmrDbtCdtNtfctn>\n</Document>\n`;
  return { xml, payments: expected };
}

/** Writes the generated file (UTF-8) and returns the expected payments. */
export function writeCamt054(path: string, options: GenerateCamt054Options): GeneratedPayment[] {
  const { xml, payments } = generateCamt054(options);
  writeFileSync(path, xml, 'utf8');
  return payments;
}
