import { createHash } from 'node:crypto';

/**
 * Builds camt.054.001.02 credit notifications for tests, shaped like the Swedish banks' Bankgiro files
 * (docs: ../shared/docs/formats.md §2): one booked CRDT entry per payment, the recipient bankgiro as
 * CdtrAcct/Othr with scheme BGNR, OCR as a SCOR creditor reference, free text as Ustrd.
 */
export interface TestPayment {
  reference: string;
  amount: string; // decimal SEK, e.g. "1250.00"
  bookingDate?: string;
  ocr?: string;
  text?: string;
  payer?: string;
  /** The bank takes back an earlier credit (a DBIT entry with RvslInd=true). */
  reversal?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function camt054(bankgiro: string, payments: TestPayment[]): string {
  const entries = payments
    .map(
      (p) => `
      <Ntry>
        <Amt Ccy="SEK">${p.amount}</Amt>
        <CdtDbtInd>${p.reversal ? 'DBIT' : 'CRDT'}</CdtDbtInd>${p.reversal ? '\n        <RvslInd>true</RvslInd>' : ''}
        <Sts>BOOK</Sts>
        <BookgDt><Dt>${p.bookingDate ?? '2026-11-23'}</Dt></BookgDt>
        <ValDt><Dt>${p.bookingDate ?? '2026-11-23'}</Dt></ValDt>
        <AcctSvcrRef>${esc(p.reference)}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>BOOK</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>${esc(p.reference)}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="SEK">${p.amount}</Amt></TxAmt></AmtDtls>
            <RltdPties>
              ${p.payer ? `<Dbtr><Nm>${esc(p.payer)}</Nm></Dbtr>` : ''}
              <CdtrAcct><Id><Othr><Id>${bankgiro.replace(/\D/g, '')}</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id></CdtrAcct>
            </RltdPties>
            <RmtInf>${p.text ? `\n              <Ustrd>${esc(p.text)}</Ustrd>` : ''}${
              p.ocr ? `\n              <Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${p.ocr}</Ref></CdtrRefInf></Strd>` : ''
            }
            </RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>TEST-${createHash('sha256').update(entries).digest('hex').slice(0, 20)}</MsgId><CreDtTm>2026-11-23T18:00:00+01:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>N-1</Id>
      <CreDtTm>2026-11-23T18:00:00+01:00</CreDtTm>
      <Acct><Id><Othr><Id>${bankgiro.replace(/\D/g, '')}</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id><Ccy>SEK</Ccy></Acct>${entries}
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
`;
}
