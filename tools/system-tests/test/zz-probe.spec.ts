import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testFiles } from '@pm/bank-files';
import { readSie } from '@pm/sie';
import { activatedCompany, invoice, startSystem, until } from './support/processes';
const BG = '5677-5612';
it('probe', async () => {
  const system = await startSystem({ inbox: true, apiEnv: { BANK_INBOX_INTERVAL_MS: '300' } });
  try {
    const token = await activatedCompany(system, '556036-0793', { bankgiro: BG });
    const inv = async (n: string) => (await system.call('GET', `/api/invoices/${n}`, token)).body;
    for (const n of ['9001', '9002']) {
      await system.call('PUT', `/api/invoices/${n}`, token, invoice(n));
      await system.call('POST', `/api/invoices/${n}/reminder-case`, token);
    }
    const ids = await until('ids', async () => { const a = await inv('9001'), b = await inv('9002'); return a.status === 'reminder_sent' && b.status === 'reminder_sent' ? [a.partnerCaseId, b.partnerCaseId] : null; });
    await system.partner('POST', '/_sandbox/clock/advance', { days: 2 });
    // partial payment of 9001 and full of 9002
    await system.partner('POST', `/_sandbox/cases/${ids[0]}/pay`, { amount: 500 });
    const c2 = (await system.partner('GET', `/cases/${ids[1]}`)).body;
    await system.partner('POST', `/_sandbox/cases/${ids[1]}/pay`, { amount: c2.total_remaining });
    const run = (await system.partner('POST', '/_sandbox/payouts/run')).body;
    console.log('RUN', JSON.stringify(run));
    const p = run.payouts[0];
    const ours = await until('ours', async () => (await system.call('GET', '/api/payments/payouts', token)).body.find((x: any) => x.payoutId === p._id));
    console.log('OURS', JSON.stringify(ours));
    console.log('INV', JSON.stringify([await inv('9001'), await inv('9002')].map((i) => ({ s: i.status, claim: i.claimOre, paid: i.paidOre }))));
    const sek = (o: number) => `${Math.floor(o / 100)}.${String(o % 100).padStart(2, '0')}`;
    mkdirSync(system.inbox!, { recursive: true });
    const drop = (name: string, ref: string, amountOre: number) => writeFileSync(join(system.inbox!, name), testFiles.camt054(BG, [{ reference: ref, amount: sek(amountOre), ocr: p.reference, bookingDate: ours.payoutDate }]));
    drop('wrong.xml', 'B-WRONG', ours.amountOre - 1);
    await until('w', async () => readdirSync(join(system.inbox!, 'processed')).length === 1);
    drop('right.xml', 'B-RIGHT', ours.amountOre);
    await until('r', async () => readdirSync(join(system.inbox!, 'processed')).length === 2);
    drop('again.xml', 'B-RIGHT', ours.amountOre); // same bank reference, same content
    await until('a', async () => readdirSync(join(system.inbox!, 'processed')).length === 3);
    drop('second.xml', 'B-SECOND', ours.amountOre); // another transfer with the same reference
    await until('s', async () => readdirSync(join(system.inbox!, 'processed')).length === 4);
    console.log('UNMATCHED', JSON.stringify((await system.call('GET', '/api/payments/unmatched', token)).body));
    console.log('IMPORTS', JSON.stringify((await system.call('GET', '/api/payments/imports', token)).body.map((i: any) => [i.fileName, i.matched, i.unmatched, i.duplicates, i.status, i.warnings])));
    console.log('PAYOUTS', JSON.stringify((await system.call('GET', '/api/payments/payouts', token)).body));
    const sie = Buffer.from(await (await fetch(`${system.api.url}/api/accounting/sie?from=${ours.payoutDate}&to=${ours.payoutDate}`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer());
    const read = readSie(sie);
    console.log('SIE', JSON.stringify(read));
    console.log('PORTAL', (await (await fetch(`${system.sandbox.url}/portal`)).text()).includes(p.reference));
  } finally {
    await system.stop();
  }
});
