/** The bank connection: files dropped in BANK_INBOX_DIR are imported for the company of their bankgiro. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { BankInboxJob } from '../src/payments';
import { type Api, ORG, address, invoiceBody, pgliteStorage, startApi } from './support/api-harness';
import { testFiles } from '@pm/bank-files';

const { camt054 } = testFiles;

describe('The bank inbox folder', () => {
  const inbox = mkdtempSync(join(tmpdir(), 'pm-inbox-'));
  let api: Api;
  let token: string;
  let job: BankInboxJob;

  beforeAll(async () => {
    api = await startApi(pgliteStorage, undefined, { bankInbox: { dir: inbox, intervalMs: 3_600_000 }, uploadLimit: 64 * 1024 });
    await api.call('POST', '/api/companies', {
      token: api.adminToken,
      body: { organisationNumber: ORG.main, name: 'Bygg AB', country: 'SE', address: address(), bankgiro: '5677-5612' },
    });
    token = api.userToken(ORG.main);
    await api.call('PUT', '/api/invoices/1001', { token, body: invoiceBody({ ocr: '10017' }) });
    job = api.app.get(BankInboxJob);
  });
  afterAll(async () => api?.close());

  const files = (folder: string) => (existsSync(join(inbox, folder)) ? readdirSync(join(inbox, folder)) : []);

  it('imports a settled file for the company of its bankgiro and moves it to processed/', async () => {
    writeFileSync(join(inbox, 'camt054-20261123.xml'), camt054('5677-5612', [{ reference: 'INBOX-1', amount: '1250.00', ocr: '10017' }]));
    // The first round only notes the file (the bank may still be writing it); the next one imports it.
    expect(await job.runOnce()).toBe(0);
    expect(await job.runOnce()).toBe(1);
    expect(files('processed')).toEqual([expect.stringMatching(/-camt054-20261123\.xml$/)]);
    expect((await api.call('GET', '/api/invoices/1001', { token })).body).toMatchObject({ status: 'paid', claimOre: 0 });
  });

  it('leaves a file in the inbox when our side fails, and imports it on a later round', async () => {
    await api.call('PUT', '/api/invoices/1002', { token, body: invoiceBody({ ocr: '10025', totalOre: 10_000, vatOre: 2_000 }) });
    writeFileSync(join(inbox, 'camt054-retry.xml'), camt054('5677-5612', [{ reference: 'INBOX-RETRY', amount: '100.00', ocr: '10025' }]));
    await job.runOnce();
    const spy = jest.spyOn(api.app.get(CommandBus), 'execute').mockRejectedValueOnce(new Error('connection terminated unexpectedly'));
    await job.runOnce();
    spy.mockRestore();
    expect(readdirSync(inbox)).toContain('camt054-retry.xml');
    expect(files('failed')).toEqual([]);
    await job.runOnce();
    await job.runOnce();
    expect(readdirSync(inbox)).not.toContain('camt054-retry.xml');
    expect((await api.call('GET', '/api/invoices/1002', { token })).body).toMatchObject({ status: 'paid' });
  });

  it('answers an upload above UPLOAD_LIMIT_BYTES with 413, storing nothing (the inbox has no such limit)', async () => {
    const before = await api.eventCount();
    const many = Array.from({ length: 200 }, (_, i) => ({ reference: `BIG-${i}`, amount: '1.00', text: 'x'.repeat(100) }));
    const response = await api.upload('/api/payments/imports', token, camt054('5677-5612', many));
    expect(response).toMatchObject({ status: 413, body: { code: 'REQUEST.TOO_LARGE' } });
    expect(await api.eventCount()).toBe(before);
  });

  it('moves a broken file and a file for an unknown account to failed/, with the errors beside it', async () => {
    writeFileSync(join(inbox, 'broken.xml'), '<Document><BkToCstmrDbtCdtNtfctn><Ntfctn>');
    writeFileSync(join(inbox, 'stranger.xml'), camt054('5050-1055', [{ reference: 'INBOX-2', amount: '10.00' }]));
    await job.runOnce();
    expect(await job.runOnce()).toBe(2);
    const failed = files('failed');
    expect(failed.filter((f) => f.endsWith('.errors.json'))).toHaveLength(2);
    const brokenErrors = JSON.parse(readFileSync(join(inbox, 'failed', failed.find((f) => f.endsWith('broken.xml.errors.json'))!), 'utf8'));
    expect(brokenErrors).toMatchObject({ code: 'PAYMENT_FILE.INVALID' });
    expect(brokenErrors.errors.length).toBeGreaterThan(0);
    const strangerErrors = JSON.parse(readFileSync(join(inbox, 'failed', failed.find((f) => f.endsWith('stranger.xml.errors.json'))!), 'utf8'));
    expect(strangerErrors).toMatchObject({ code: 'PAYMENT_FILE.UNKNOWN_ACCOUNT' });
    expect(readdirSync(inbox).filter((f) => f.endsWith('.xml'))).toEqual([]);
  });
});
