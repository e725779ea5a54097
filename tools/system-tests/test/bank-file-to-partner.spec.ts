/**
 * The whole run of a bank payment (separate API and sandbox processes): a camt.054 file arrives in the
 * inbox folder, the invoice in reminder handling turns paid, the partner's case is closed, and the SIE
 * export contains the booking.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type System, invoice, startSystem, until } from './support/processes';

const ORG = '556036-0793';
const BANKGIRO = '5677-5612';

function camt(reference: string, amount: string, ocr: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>SYS-1</MsgId><CreDtTm>2026-11-23T18:00:00+01:00</CreDtTm></GrpHdr>
<Ntfctn><Id>N1</Id><CreDtTm>2026-11-23T18:00:00+01:00</CreDtTm>
<Acct><Id><Othr><Id>${BANKGIRO.replace('-', '')}</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id><Ccy>SEK</Ccy></Acct>
<Ntry><Amt Ccy="SEK">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt><ValDt><Dt>2026-11-23</Dt></ValDt>
<AcctSvcrRef>${reference}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>${reference}</AcctSvcrRef></Refs><AmtDtls><TxAmt><Amt Ccy="SEK">${amount}</Amt></TxAmt></AmtDtls>
<RltdPties><Dbtr><Nm>Kund</Nm></Dbtr><CdtrAcct><Id><Othr><Id>${BANKGIRO.replace('-', '')}</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id></CdtrAcct></RltdPties>
<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${ocr}</Ref></CdtrRefInf></Strd></RmtInf>
</TxDtls></NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
`;
}

describe('A bank file closes the case at the partner and lands in the books', () => {
  let system: System;
  let token: string;
  let inbox: string;

  beforeAll(async () => {
    system = await startSystem({ apiEnv: { BANK_INBOX_INTERVAL_MS: '300' }, inbox: true });
    inbox = system.inbox!;
    const created = await system.call('POST', '/api/companies', system.adminToken, {
      organisationNumber: ORG,
      name: 'Bygg AB',
      country: 'SE',
      bankgiro: BANKGIRO,
      address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' },
    });
    expect(created.status).toBe(201);
    token = system.userToken(ORG);
    await system.call('POST', '/api/activation', token, { termsVersion: '2026-1', accepted: true });
  });
  afterAll(async () => system?.stop());

  it('camt.054 in the inbox → paid → cancelled as paid at the partner → in the SIE export', async () => {
    await system.call('PUT', '/api/invoices/7001', token, invoice('7001', { ocr: '70011' }));
    await system.call('POST', '/api/invoices/7001/reminder-case', token);
    const partnerCaseId = await until('the case at the partner', async () => (await system.call('GET', '/api/invoices/7001', token)).body.partnerCaseId);

    mkdirSync(inbox, { recursive: true });
    writeFileSync(join(inbox, 'camt054-7001.xml'), camt('SYS-BANK-1', '1250.00', '70011'));

    await until('the invoice to be paid', async () => (await system.call('GET', '/api/invoices/7001', token)).body.status === 'paid', 30_000);
    const atPartner = await until('the partner case to be closed', async () => {
      const c = (await system.partner('GET', `/cases/${partnerCaseId}`)).body;
      return c.closed ? c : null;
    });
    expect(atPartner.status).toBe('paid');

    const sie = await fetch(`${system.api.url}/api/accounting/sie?from=2026-11-01&to=2026-11-30`, { headers: { authorization: `Bearer ${token}` } });
    const text = Buffer.from(await sie.arrayBuffer()).toString('latin1');
    expect(text).toContain('#VER');
    expect(text).toMatch(/#TRANS 1930 \{\} 1250\.00/);
    expect(text).toMatch(/#TRANS 1510 \{\} -1250\.00/);
  });
});
