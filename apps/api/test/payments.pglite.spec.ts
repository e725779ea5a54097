/**
 * Bank files over HTTP on the embedded store: a camt.054 upload is matched (OCR, invoice number in the
 * text, amount and payer), partial payments reduce the claim, a payment that settles a case closes it as
 * paid, unknown payments wait in the queue for a person, a re-import books nothing twice, a broken file
 * or one for another account imports nothing, and the bookings come out as SIE 4.
 */
import { readSie } from '@pm/sie';
import { randomUUID } from 'node:crypto';
import { BankPaymentProcessor, PartnerPayouts } from '../src/payments';
import { PayoutLookup } from '../src/payments/partner-payouts/payout-lookup';
import { type Api, ORG, address, invoiceBody, pgliteStorage, startApi } from './support/api-harness';
import { testFiles } from '@pm/bank-files';

const { camt054 } = testFiles;

const BANKGIRO = '5677-5612';

describe('Importing bank files', () => {
  let api: Api;
  let token: string;
  const invoice = async (n: string) => (await api.call('GET', `/api/invoices/${n}`, { token })).body;
  const queue = async () => (await api.call('GET', '/api/payments/unmatched', { token })).body;
  const queued = async (bankReference: string) => (await queue()).items.find((p: { bankReference: string }) => p.bankReference === bankReference);

  beforeAll(async () => {
    api = await startApi(pgliteStorage);
    const created = await api.call('POST', '/api/companies', {
      token: api.adminToken,
      body: { organisationNumber: ORG.main, name: 'Bygg AB', country: 'SE', address: address(), bankgiro: BANKGIRO },
    });
    expect(created.status).toBe(201);
    token = api.userToken(ORG.main);
    await api.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } });
    await api.call('PUT', '/api/invoices/1001', { token, body: invoiceBody({ ocr: '10017' }) });
    await api.call('PUT', '/api/invoices/1002', { token, body: invoiceBody({ ocr: undefined, totalOre: 50_000, vatOre: 10_000 }) });
    await api.call('PUT', '/api/invoices/1003', { token, body: invoiceBody({ ocr: undefined, totalOre: 80_000, vatOre: 16_000, customer: { ...invoiceBody().customer, name: 'Anna Lind' } }) });
    await api.call('PUT', '/api/invoices/1004', { token, body: invoiceBody({ ocr: undefined, taxReduction: { type: 'ROT', amountOre: 30_000 } }) });
    // 1001 is in reminder handling: the bank payment must close its case as paid.
    expect((await api.call('POST', '/api/invoices/1001/reminder-case', { token })).status).toBe(201);
  });
  afterAll(async () => api?.close());

  const file = () =>
    camt054(BANKGIRO, [
      { reference: 'BANK-0001', amount: '1250.00', ocr: '10017', payer: 'Kalle Svensson' },
      { reference: 'BANK-0002', amount: '500.00', text: 'Betalning faktura 1002' },
      { reference: 'BANK-0003', amount: '300.00', text: 'delbetalning', payer: 'Okänd Person' },
      { reference: 'BANK-0004', amount: '950.00', text: 'Faktura 1004 ROT' },
      { reference: 'BANK-0005', amount: '800.00', payer: 'Lind Anna' },
    ]);

  it('refuses a broken file and a file for another account, importing nothing', async () => {
    const before = await api.eventCount();
    const broken = await api.upload('/api/payments/imports', token, file().replace('<Amt Ccy="SEK">500.00</Amt>', '<Amt Ccy="SEK">5x0.00</Amt>'));
    expect(broken).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.INVALID' } });
    // Every problem is located: the entry amount, and the transaction amount inside it.
    expect(broken.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ line: expect.any(Number), path: expect.stringMatching(/Ntry\[2\]\/Amt$/), message: expect.any(String) })]));
    const truncated = await api.upload('/api/payments/imports', token, file().slice(0, 900));
    expect(truncated).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.INVALID' } });
    const garbage = await api.upload('/api/payments/imports', token, Buffer.from([0, 1, 2, 3, 255]), 'x.bin');
    expect(garbage).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.INVALID' } });
    const other = await api.upload('/api/payments/imports', token, camt054('5050-1055', [{ reference: 'X-1', amount: '10.00', ocr: '10017' }]));
    expect(other).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.WRONG_ACCOUNT' } });
    const notMultipart = await api.call('POST', '/api/payments/imports', { token, body: {} });
    expect(notMultipart).toMatchObject({ status: 400, body: { code: 'REQUEST.MULTIPART_REQUIRED' } });
    const wrongField = await api.upload('/api/payments/imports', token, file(), 'f.xml', 'document');
    expect(wrongField).toMatchObject({ status: 400, body: { code: 'REQUEST.FILE_REQUIRED' } });
    const badId = await api.upload('/api/payments/imports?importId=nope', token, file());
    expect(badId).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(await api.eventCount()).toBe(before);
    expect((await api.call('GET', '/api/payments/imports', { token })).body).toEqual([]);
  });

  let firstImport: string;
  it('matches, books and reports; the case paid in full closes as paid and the ROT invoice is ready for Skatteverket', async () => {
    const importId = randomUUID();
    const report = await api.upload(`/api/payments/imports?importId=${importId}`, token, file(), 'camt054-2026-11-23.xml');
    expect(report.status).toBe(201);
    expect(report.body).toMatchObject({ importId, format: 'camt.054', payments: 5, matched: 4, partlyMatched: 0, unmatched: 1, duplicates: 0, sameFileAs: null });
    firstImport = importId;
    expect(await invoice('1001')).toMatchObject({ status: 'paid', caseStatus: 'paid', claimOre: 0 });
    expect(await invoice('1002')).toMatchObject({ status: 'paid', claimOre: 0 });
    expect(await invoice('1003')).toMatchObject({ status: 'paid', claimOre: 0 });
    expect(await invoice('1004')).toMatchObject({ status: 'paid', taxReduction: { readyForSkatteverket: true } });
    // The case's audit trail names the bank as the actor and the import as the correlation.
    const caseId = (await invoice('1001')).caseId;
    const trail = (await api.call('GET', `/api/cases/${caseId}/events`, { token })).body;
    const paid = trail.events.find((e: { type: string }) => e.type === 'ReminderCasePaid');
    expect(paid).toMatchObject({ actor: { kind: 'bank' }, correlationId: importId });
  });

  it('importing the same file again, or an overlapping one, books nothing twice', async () => {
    const again = await api.upload('/api/payments/imports', token, file());
    expect(again.body).toMatchObject({ payments: 5, matched: 0, unmatched: 0, duplicates: 5, sameFileAs: firstImport });
    const overlapping = await api.upload(
      '/api/payments/imports',
      token,
      camt054(BANKGIRO, [
        { reference: 'BANK-0002', amount: '500.00', text: 'Betalning faktura 1002' },
        { reference: 'BANK-0006', amount: '100.00', text: 'okänd' },
      ]),
    );
    expect(overlapping.body).toMatchObject({ payments: 2, duplicates: 1, unmatched: 1 });
    expect(await invoice('1002')).toMatchObject({ paidOre: 50_000, claimOre: 0 });
  });

  it('keeps the history of imports, and refuses an import id used before', async () => {
    const history = (await api.call('GET', '/api/payments/imports', { token })).body;
    expect(history).toHaveLength(3);
    expect(history[2]).toMatchObject({ importId: firstImport, fileName: 'camt054-2026-11-23.xml', source: 'upload', status: 'done', payments: 5, processed: 5, matched: 4 });
    expect((await api.call('GET', `/api/payments/imports/${firstImport}`, { token })).body).toMatchObject({ importId: firstImport, status: 'done' });
    expect((await api.call('GET', `/api/payments/imports/${randomUUID()}`, { token })).status).toBe(404);
    const reused = await api.upload(`/api/payments/imports?importId=${firstImport}`, token, file());
    expect(reused).toMatchObject({ status: 400, body: { code: 'REQUEST.IMPORT_ID_TAKEN' } });
  });

  it('follows its own decisions within a file: two payments of one invoice are not both taken as the whole', async () => {
    await api.call('PUT', '/api/invoices/1010', { token, body: invoiceBody({ ocr: '10058', totalOre: 100_000, vatOre: 20_000 }) });
    await api.call('PUT', '/api/invoices/1011', { token, body: invoiceBody({ ocr: '10066', totalOre: 100_000, vatOre: 20_000 }) });
    const report = await api.upload(
      '/api/payments/imports',
      token,
      camt054(BANKGIRO, [
        { reference: 'TWICE-1', amount: '400.00', ocr: '10058' },
        { reference: 'TWICE-2', amount: '600.00', ocr: '10058' },
        { reference: 'TWICE-3', amount: '1000.00', ocr: '10066' },
        { reference: 'TWICE-4', amount: '1000.00', ocr: '10066' },
      ]),
    );
    expect(report.body).toMatchObject({ payments: 4, partlyMatched: 1, matched: 2, unmatched: 1 });
    expect(await invoice('1010')).toMatchObject({ status: 'paid', paidOre: 100_000 });
    expect(await invoice('1011')).toMatchObject({ status: 'paid', paidOre: 100_000 });
    expect(await queued('TWICE-4')).toMatchObject({ reason: 'nothing_to_claim', suggestion: '1011' });
  });

  it('places one payment on several invoices when it is exactly what they owe together', async () => {
    await api.call('PUT', '/api/invoices/1020', { token, body: invoiceBody({ ocr: '10025', totalOre: 30_000, vatOre: 6_000 }) });
    await api.call('PUT', '/api/invoices/1021', { token, body: invoiceBody({ ocr: '10033', totalOre: 20_000, vatOre: 4_000 }) });
    const text = camt054(BANKGIRO, [{ reference: 'SPLIT-1', amount: '500.00', text: 'Faktura 1020 och faktura 1021' }]);
    expect((await api.upload('/api/payments/imports', token, text)).body).toMatchObject({ matched: 1 });
    expect(await invoice('1020')).toMatchObject({ status: 'paid' });
    expect(await invoice('1021')).toMatchObject({ status: 'paid' });
  });

  it('lets a person work the queue: part of an invoice, an accepted overpayment, a split, a dismissal', async () => {
    await api.call('PUT', '/api/invoices/1005', { token, body: invoiceBody({ ocr: undefined, totalOre: 1_000_00, vatOre: 20_000 }) });
    await api.call('PUT', '/api/invoices/1030', { token, body: invoiceBody({ ocr: undefined, totalOre: 10_000, vatOre: 2_000 }) });
    await api.call('PUT', '/api/invoices/1031', { token, body: invoiceBody({ ocr: undefined, totalOre: 70_000, vatOre: 14_000 }) });
    await api.upload(
      '/api/payments/imports',
      token,
      camt054(BANKGIRO, [
        { reference: 'HAND-1', amount: '150.00', text: 'för nr 1030' },
        { reference: 'HAND-2', amount: '900.00', text: 'okänd' },
        { reference: 'HAND-3', amount: '42.00', reversal: true },
      ]),
    );
    const page = await queue();
    expect(page).toMatchObject({ page: 1, pageSize: 50 });
    expect(page.items.map((p: { bankReference: string }) => p.bankReference)).toEqual(['BANK-0003', 'BANK-0006', 'HAND-1', 'HAND-2', 'HAND-3', 'TWICE-4']);
    expect(page.total).toBe(6);
    expect(page.items[0]).toMatchObject({ amountOre: 30_000, reason: 'no_match', payerName: 'Okänd Person', reversal: false });
    expect((await queued('HAND-3')).reason).toBe('reversal');

    // Part of an invoice.
    const part = await api.call('POST', `/api/payments/${page.items[0].paymentId}/match`, { token, body: { invoiceNumber: '1005' } });
    expect(part).toMatchObject({ status: 201, body: { outcome: 'partlyMatched', allocations: [{ invoiceNumber: '1005', amountOre: 30_000 }], overpaymentOre: 0 } });
    expect(await invoice('1005')).toMatchObject({ claimOre: 70_000, paidOre: 30_000 });
    const again = await api.call('POST', `/api/payments/${page.items[0].paymentId}/match`, { token, body: { invoiceNumber: '1005' } });
    expect(again).toMatchObject({ status: 409, body: { code: 'PAYMENT.ALREADY_MATCHED' } });

    // More than the invoice owes: refused until the person accepts the overpayment as the customer's credit.
    const hand1 = (await queued('HAND-1')).paymentId;
    const tooMuch = await api.call('POST', `/api/payments/${hand1}/match`, { token, body: { invoiceNumber: '1030' } });
    expect(tooMuch).toMatchObject({ status: 422, body: { code: 'PAYMENT.EXCEEDS_REMAINING', details: { remainingClaimOre: 10_000, overpaymentOre: 5_000 } } });
    expect(tooMuch.body.message).toContain('100,00 kr');
    const accepted = await api.call('POST', `/api/payments/${hand1}/match`, { token, body: { invoiceNumber: '1030', acceptOverpayment: true } });
    expect(accepted).toMatchObject({ status: 201, body: { outcome: 'matched', allocations: [{ invoiceNumber: '1030', amountOre: 10_000 }], overpaymentOre: 5_000 } });
    expect(await invoice('1030')).toMatchObject({ status: 'paid', claimOre: 0 });

    // A split the person decides, which must add up.
    const hand2 = (await queued('HAND-2')).paymentId;
    const short = await api.call('POST', `/api/payments/${hand2}/match`, { token, body: { allocations: [{ invoiceNumber: '1031', amountOre: 70_000 }] } });
    expect(short).toMatchObject({ status: 422, body: { code: 'PAYMENT.ALLOCATION_MISMATCH' } });
    const both = await api.call('POST', `/api/payments/${hand2}/match`, { token, body: { invoiceNumber: '1031', allocations: [] } });
    expect(both).toMatchObject({ status: 400 });
    const unknown = await api.call('POST', `/api/payments/${hand2}/match`, { token, body: { allocations: [{ invoiceNumber: '9999', amountOre: 90_000 }] } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'INVOICE.NOT_FOUND' } });
    const split = await api.call('POST', `/api/payments/${hand2}/match`, {
      token,
      body: { allocations: [{ invoiceNumber: '1031', amountOre: 70_000 }, { invoiceNumber: '1005', amountOre: 20_000 }] },
    });
    expect(split).toMatchObject({ status: 201, body: { outcome: 'partlyMatched' } });
    expect(await invoice('1031')).toMatchObject({ status: 'paid' });
    expect(await invoice('1005')).toMatchObject({ claimOre: 50_000 });

    // A reversal cannot be placed on an invoice; it is dismissed with a reason.
    const hand3 = (await queued('HAND-3')).paymentId;
    expect((await api.call('POST', `/api/payments/${hand3}/match`, { token, body: { invoiceNumber: '1005' } })).body.code).toBe('PAYMENT.IS_REVERSAL');
    expect((await api.call('POST', `/api/payments/${hand3}/dismiss`, { token, body: {} })).status).toBe(400);
    expect((await api.call('POST', `/api/payments/${hand3}/dismiss`, { token, body: { reason: 'Banken tog tillbaka en felaktig insättning' } })).status).toBe(204);
    expect((await api.call('POST', `/api/payments/${hand1}/dismiss`, { token, body: { reason: 'x' } })).body.code).toBe('PAYMENT.ALREADY_MATCHED');
    expect((await queue()).items.map((p: { bankReference: string }) => p.bankReference)).toEqual(['BANK-0006', 'TWICE-4']);
    expect((await api.call('POST', `/api/payments/not-a-uuid/match`, { token, body: { invoiceNumber: '1005' } })).status).toBe(404);
  });

  it("matches the partner's payout by its reference, even when the transfer arrived before the payout was announced", async () => {
    const payouts = api.app.get(PartnerPayouts);
    const companyId = (await api.call('GET', '/api/company', { token })).body.companyId;
    const partner = { actor: { kind: 'partner' as const, id: 'amili' }, correlationId: 'test', causationId: 'test' };
    await payouts.announce(
      companyId,
      [{ payoutId: 'po_1', payoutDate: '2026-11-24', amountOre: 51_329, reference: '10000000017', items: [{ partnerCaseId: 'c_1', invoiceNumber: '1001', partnerPaymentId: 'p_1', capitalOre: 50_000, interestOre: 1_329 }] }],
      partner,
    );
    const report = await api.upload('/api/payments/imports', token, camt054(BANKGIRO, [{ reference: 'PAYOUT-1', amount: '513.29', ocr: '10000000017', payer: 'Amili AB' }]));
    expect(report.body).toMatchObject({ matched: 1, unmatched: 0 });
    // The same payout cannot arrive twice.
    const twice = await api.upload('/api/payments/imports', token, camt054(BANKGIRO, [{ reference: 'PAYOUT-1B', amount: '513.29', ocr: '10000000017' }]));
    expect(twice.body).toMatchObject({ unmatched: 1 });
    expect(await queued('PAYOUT-1B')).toMatchObject({ reason: 'payout_mismatch', suggestion: 'po_1' });

    // The bank was quicker than our poll: the transfer waits, and the announcement takes it out of the queue.
    const early = await api.upload('/api/payments/imports', token, camt054(BANKGIRO, [{ reference: 'PAYOUT-2', amount: '200.00', text: 'AMILI UTBETALNING 10000000025' }]));
    expect(early.body).toMatchObject({ unmatched: 1 });
    await payouts.announce(
      companyId,
      [{ payoutId: 'po_2', payoutDate: '2026-11-25', amountOre: 20_000, reference: '10000000025', items: [{ partnerCaseId: 'c_1', invoiceNumber: '1001', partnerPaymentId: 'p_2', capitalOre: 20_000, interestOre: 0 }] }],
      partner,
    );
    expect(await queued('PAYOUT-2')).toBeUndefined();
    const listed = (await api.call('GET', '/api/payments/payouts', { token })).body;
    expect(listed).toEqual([
      expect.objectContaining({ payoutId: 'po_2', reference: '10000000025', amountOre: 20_000, status: 'received', receivedOn: '2026-11-23' }),
      expect.objectContaining({ payoutId: 'po_1', status: 'received', items: [expect.objectContaining({ invoiceNumber: '1001', capitalOre: 50_000, interestOre: 1_329 })] }),
    ]);
  });

  it('a waiting transfer finds its payout although the read model lags, after a crash between announcing and matching, and after a race with the announcement', async () => {
    const payouts = api.app.get(PartnerPayouts);
    const companyId = (await api.call('GET', '/api/company', { token })).body.companyId;
    const partner = { actor: { kind: 'partner' as const, id: 'amili' }, correlationId: 'test-lag', causationId: 'test-lag' };
    // The partner's references are OCR numbers (Luhn check digit last).
    const reference = ['', '20000000008', '20000000016', '20000000024'];
    const payout = (n: number, amountOre: number) => ({
      payoutId: `po_lag_${n}`,
      payoutDate: '2026-11-26',
      amountOre,
      reference: reference[n],
      items: [{ partnerCaseId: 'c_1', invoiceNumber: '1001', partnerPaymentId: `p_lag_${n}`, capitalOre: amountOre, interestOre: 0 }],
    });

    // The payouts' read model does not show the new payout yet when the waiting transfer is offered to it.
    const early = await api.upload('/api/payments/imports', token, camt054(BANKGIRO, [{ reference: 'PAYOUT-LAG-1', amount: '120.00', text: 'AMILI UTBETALNING 20000000008' }]));
    expect(early.body).toMatchObject({ unmatched: 1 });
    const lagging = jest.spyOn(api.app.get(PayoutLookup), 'candidates').mockResolvedValue([]);
    try {
      await payouts.announce(companyId, [payout(1, 12_000)], partner);
    } finally {
      lagging.mockRestore();
    }
    expect(await queued('PAYOUT-LAG-1')).toBeUndefined();

    // The API died after announcing, before matching: the next poll sees the same payout again and matches then.
    const waiting = await api.upload('/api/payments/imports', token, camt054(BANKGIRO, [{ reference: 'PAYOUT-LAG-2', amount: '80.00', ocr: '20000000016' }]));
    expect(waiting.body).toMatchObject({ unmatched: 1 });
    const matching = jest.spyOn(api.app.get(BankPaymentProcessor), 'rematchQueued').mockRejectedValueOnce(new Error('the process died here'));
    await expect(payouts.announce(companyId, [payout(2, 8_000)], partner)).rejects.toThrow('the process died here');
    matching.mockRestore();
    expect(await queued('PAYOUT-LAG-2')).toMatchObject({ reason: 'no_match' });
    expect(await payouts.announce(companyId, [payout(2, 8_000)], partner)).toEqual([]); // not new: announced once
    expect(await queued('PAYOUT-LAG-2')).toBeUndefined();

    // A bank file and the announcement at the same moment, each side reading the other's read model too early: the
    // announcement's rematch does not see the transfer. The sweep (once a minute in the payout poll) takes it out.
    const raced = await api.upload('/api/payments/imports', token, camt054(BANKGIRO, [{ reference: 'PAYOUT-LAG-4', amount: '50.00', ocr: reference[3] }]));
    expect(raced.body).toMatchObject({ unmatched: 1 });
    const blind = jest.spyOn(api.app.get(BankPaymentProcessor), 'rematchQueued').mockResolvedValueOnce(0);
    await payouts.announce(companyId, [payout(3, 5_000)], partner);
    blind.mockRestore();
    expect(await queued('PAYOUT-LAG-4')).toMatchObject({ reason: 'no_match' });
    await payouts.sweep(partner);
    expect(await queued('PAYOUT-LAG-4')).toBeUndefined();
    const events = await api.eventCount();
    await payouts.sweep(partner); // nothing left to do: nothing recorded
    expect(await api.eventCount()).toBe(events);

    const listed = (await api.call('GET', '/api/payments/payouts', { token })).body as Array<{ payoutId: string; status: string }>;
    expect(listed.filter((p) => p.payoutId.startsWith('po_lag_')).map((p) => [p.payoutId, p.status]).sort()).toEqual([
      ['po_lag_1', 'received'],
      ['po_lag_2', 'received'],
      ['po_lag_3', 'received'],
    ]);
    // A received payout is not offered again: a second transfer with its reference stays in the queue as it was.
    const again = await api.upload('/api/payments/imports', token, camt054(BANKGIRO, [{ reference: 'PAYOUT-LAG-3', amount: '80.00', ocr: '20000000016' }]));
    expect(again.body).toMatchObject({ unmatched: 1 });
    await payouts.announce(companyId, [payout(2, 8_000)], partner);
    expect(await queued('PAYOUT-LAG-3')).toMatchObject({ reason: 'payout_mismatch', suggestion: 'po_lag_2' });
  });

  it('exports the bookings as SIE 4 (4I, codepage 437) that reads back balanced', async () => {
    const response = await fetch(`${api.url}/api/accounting/sie?from=2026-11-01&to=2026-11-30`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('IBM437');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.toString('latin1')).toContain('#FORMAT PC8');
    const read = readSie(bytes);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.document.company).toMatchObject({ name: 'Bygg AB', organisationNumber: '556036-0793' });
    const vouchers = read.document.vouchers;
    for (const voucher of vouchers) expect(voucher.transactions.reduce((sum, t) => sum + t.amountOre, 0)).toBe(0);
    expect(vouchers[0].transactions).toEqual([
      { account: '1930', amountOre: 125_000 },
      { account: '1510', amountOre: -125_000, text: 'Faktura 1001' },
    ]);
    const lines = (text: RegExp) => vouchers.find((v) => text.test(v.text ?? ''))!.transactions.map((t) => [t.account, t.amountOre]);
    expect(lines(/fakturor 1020, 1021/)).toEqual([['1930', 50_000], ['1510', -30_000], ['1510', -20_000]]);
    expect(lines(/faktura 1030/)).toEqual([['1930', 15_000], ['1510', -10_000], ['2420', -5_000]]);
    expect(lines(/ref 10000000017/)).toEqual([['1930', 51_329], ['1510', -50_000], ['8313', -1_329]]);
    expect(read.document.accounts.map((a) => a.number)).toEqual(['1510', '1930', '2420', '8313']);
    const empty = await api.call('GET', '/api/accounting/sie?from=2025-01-01&to=2025-12-31', { token });
    expect(empty.status).toBe(200);
    const badPeriod = await api.call('GET', '/api/accounting/sie?from=2026-12-01&to=2026-01-01', { token });
    expect(badPeriod).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID_PERIOD' } });
  });

  it('imports BgMax as well (latin-1, 80-column records), with the same matching and de-duplication', async () => {
    const { text, payments } = testFiles.generateBgMax({ payments: 3, bankgiro: '56775612', bookingDate: '2026-11-20' });
    for (const [i, p] of payments.entries())
      await api.call('PUT', `/api/invoices/BG${i}`, { token, body: invoiceBody({ ocr: p.ocr, totalOre: p.amountOre, vatOre: Math.trunc(p.amountOre / 5) }) });
    const bytes = Buffer.from(text, 'latin1');
    const report = await api.upload('/api/payments/imports', token, bytes, 'BGMAX.TXT');
    expect(report).toMatchObject({ status: 201, body: { format: 'bgmax', payments: 3, matched: 3 } });
    for (const i of [0, 1, 2]) expect(await invoice(`BG${i}`)).toMatchObject({ status: 'paid' });
    expect((await api.upload('/api/payments/imports', token, bytes, 'BGMAX.TXT')).body).toMatchObject({ duplicates: 3 });
    const broken = await api.upload('/api/payments/imports', token, Buffer.from(text.replace(/^15/m, '16'), 'latin1'), 'BGMAX.TXT');
    expect(broken).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.INVALID', errors: expect.arrayContaining([expect.objectContaining({ line: expect.any(Number) })]) } });
  });

  it('an operator imports for the company whose bankgiro the file is for', async () => {
    await api.call('PUT', '/api/invoices/1040', { token, body: invoiceBody({ ocr: '10074', totalOre: 10_000, vatOre: 2_000 }) });
    const report = await api.upload('/api/payments/imports', api.adminToken, camt054(BANKGIRO, [{ reference: 'ADMIN-1', amount: '100.00', ocr: '10074' }]));
    expect(report).toMatchObject({ status: 201, body: { matched: 1 } });
    expect(await invoice('1040')).toMatchObject({ status: 'paid' });
    const stranger = await api.upload('/api/payments/imports', api.adminToken, camt054('5050-1055', [{ reference: 'ADMIN-2', amount: '100.00' }]));
    expect(stranger).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.UNKNOWN_ACCOUNT' } });
  });

  it("another company's payments are not found", async () => {
    const mine = await queue();
    const stranger = api.userToken(ORG.other);
    expect((await api.call('GET', '/api/payments/unmatched', { token: stranger })).body).toMatchObject({ items: [], total: 0 });
    expect((await api.call('POST', `/api/payments/${mine.items[0].paymentId}/match`, { token: stranger, body: { invoiceNumber: '1005' } })).status).toBe(404);
    expect((await api.call('GET', `/api/payments/imports/${firstImport}`, { token: stranger })).status).toBe(404);
    expect((await api.call('GET', '/api/payments/imports', { token: stranger })).body).toEqual([]);
  });
});
