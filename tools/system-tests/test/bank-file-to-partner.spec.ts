/**
 * The whole run of a bank payment (separate API and sandbox processes): a camt.054 file arrives in the
 * inbox folder, the invoice in reminder handling turns paid, the partner's case is closed, and the SIE
 * export contains the booking.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testFiles } from '@pm/bank-files';
import { type System, activatedCompany, invoice, startSystem, until } from './support/processes';

const ORG = '556036-0793';
const BANKGIRO = '5677-5612';

describe('A bank file closes the case at the partner and lands in the books', () => {
  let system: System;
  let token: string;
  let inbox: string;

  beforeAll(async () => {
    system = await startSystem({ apiEnv: { BANK_INBOX_INTERVAL_MS: '300' }, inbox: true });
    inbox = system.inbox!;
    token = await activatedCompany(system, ORG, { bankgiro: BANKGIRO });
  });
  afterAll(async () => system?.stop());

  it('camt.054 in the inbox → paid → cancelled as paid at the partner → in the SIE export', async () => {
    await system.call('PUT', '/api/invoices/7001', token, invoice('7001', { ocr: '70011' }));
    await system.call('POST', '/api/invoices/7001/reminder-case', token);
    const partnerCaseId = await until('the case at the partner', async () => (await system.call('GET', '/api/invoices/7001', token)).body.partnerCaseId);

    mkdirSync(inbox, { recursive: true });
    writeFileSync(join(inbox, 'camt054-7001.xml'), testFiles.camt054(BANKGIRO, [{ reference: 'SYS-BANK-1', amount: '1250.00', bookingDate: '2026-11-23', ocr: '70011', payer: 'Kund' }]));

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
