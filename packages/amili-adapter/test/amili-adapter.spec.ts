import { AmiliAdapter, INITIAL_POLLING_CURSOR, type PollingCursor } from '../src/amili-adapter';
import { type PartnerCaseView } from '../src/case-view';
import { PartnerProtocolError, PartnerRefusedError, isAlreadyClosed } from '../src/errors';
import { wireCreditorRequest, wireRegistrationRequest } from '../src/wire';
import { invoiceFixture, rfc, silentLogger, wireCaseJson } from './support/fixtures';
import { FakeList, type ItemOf, type Poll, pollAll as pollCursor } from './support/fake-list';
import { type Handler, type PartnerServer, type Reply, eveError, inOrder, startPartnerServer } from './support/partner-server';

const NOW = Date.parse('2026-11-20T10:00:00Z');

let server: PartnerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(handler: Handler | Reply, portalUrl?: string) {
  server = await startPartnerServer(typeof handler === 'function' ? handler : inOrder(handler));
  const logger = silentLogger();
  const adapter = new AmiliAdapter({
    baseUrl: server.baseUrl,
    apiKey: 'key-1',
    portalUrl,
    logger,
    now: () => NOW,
    client: { retries: 1, sleep: async () => undefined },
  });
  return { adapter, logger, requests: server.requests };
}

const registered = (status: 'completed' | 'warning', messages: string[] = []): Reply => ({
  status: 201,
  json: { _id: 'r_1', status, messages, cases: [{ _id: 'c_9', invoice_number: '1001', ocr: '100019' }] },
});

describe('ensureCreditor', () => {
  it('links the company with the partner’s field names and returns its creditor id', async () => {
    const { adapter, requests } = await setup({ status: 200, json: { _id: 'cr_7', organization_number: '556036-0793', name: 'Bygg AB' } });
    const result = await adapter.ensureCreditor({
      organisationNumber: '5560360793',
      name: 'Bygg AB',
      address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' },
      reminderFeeAgreed: true,
    });
    expect(result).toEqual({ creditorId: 'cr_7' });
    expect(requests[0].path).toBe('/creditors');
    expect(wireCreditorRequest.parse(requests[0].json)).toEqual({
      organization_number: '556036-0793',
      name: 'Bygg AB',
      address: { address_line_1: 'Storgatan 1', zip_code: '11122', city: 'Stockholm', country: 'SE' },
      reminder_fee_agreed: true,
    });
    expect(requests[0].headers['idempotency-key']).toMatch(/^pm-[0-9a-f]{64}$/);
  });

  it('passes the partner’s refusal of a foreign company on', async () => {
    const { adapter } = await setup(eveError(422, 'Only Swedish creditors', { 'address.country': 'must be SE' }));
    const address = { line1: 'Gate 1', postalCode: '0150', city: 'Oslo', country: 'NO' };
    await expect(adapter.ensureCreditor({ organisationNumber: '556036-0793', name: 'X', address })).rejects.toMatchObject({
      name: 'PartnerRefusedError',
      issues: { 'address.country': 'must be SE' },
    });
  });
});

describe('registerCase', () => {
  it("maps our invoice to the partner's registration and returns its case id and OCR", async () => {
    const { adapter, requests } = await setup(registered('completed'));
    const result = await adapter.registerCase({ creditorId: 'cr_1', caseId: 'case-1', invoice: invoiceFixture(), claimOre: 125_050 });
    expect(result).toEqual({ partnerCaseId: 'c_9', partnerOcr: '100019', warnings: [] });
    expect(requests[0].path).toBe('/case--registrations');
    expect(requests[0].headers['idempotency-key']).toMatch(/^pm-case-registration-case-1-[0-9a-f]{16}$/);
    expect(requests[0].body).toContain('"capital_to_claim":1250.5');
    expect(wireRegistrationRequest.parse(requests[0].json)).toEqual({
      creditor: 'cr_1',
      first_action: 'reminder',
      currency: 'SEK',
      customer: {
        name: 'Kalle Svensson',
        id_number: '198112189876', // the 10-digit form, with its century, digits only
        is_company: false,
        address: { address_line_1: 'Lillgatan 2', zip_code: '22233', city: 'Lund', country: 'SE' },
        email: 'kalle@example.se',
        mobile_number: null,
      },
      debts: [
        {
          invoice_number: '1001',
          debt_description: 'Faktura 1001',
          invoice_date: 'Thu, 01 Oct 2026 00:00:00 GMT',
          capital_to_claim: 1250.5,
          invoice_due_days_after_invoice_date: 30,
          reminder_fee_charged: 0,
        },
      ],
    });
  });

  it('repeats the idempotency key for the same registration, and changes it for a corrected one', async () => {
    const { adapter, requests } = await setup(inOrder(eveError(422, 'Validation failed', { 'customer.address.zip_code': 'required' }), registered('completed')));
    const incomplete = invoiceFixture();
    incomplete.customer = { ...incomplete.customer, address: { ...incomplete.customer.address, postalCode: '' } };
    await expect(adapter.registerCase({ creditorId: 'cr_1', caseId: 'case-1', invoice: incomplete, claimOre: 100 })).rejects.toBeInstanceOf(PartnerRefusedError);
    await adapter.registerCase({ creditorId: 'cr_1', caseId: 'case-1', invoice: invoiceFixture(), claimOre: 100 });
    await adapter.registerCase({ creditorId: 'cr_1', caseId: 'case-1', invoice: invoiceFixture(), claimOre: 100 });
    const [refused, corrected, repeated] = requests.map((r) => r.headers['idempotency-key']);
    expect(corrected).not.toBe(refused);
    expect(repeated).toBe(corrected);
  });

  it('sends a company customer by organisationsnummer, digits only, and the first action asked for', async () => {
    const { adapter, requests } = await setup(registered('completed'));
    const invoice = invoiceFixture();
    invoice.customer = { ...invoice.customer, name: 'Bygg AB', identityNumber: '556036-0793', isCompany: true, email: undefined };
    await adapter.registerCase({ creditorId: 'cr_1', caseId: 'case-2', invoice, claimOre: 100, firstAction: 'debt_collection' });
    const body = wireRegistrationRequest.parse(requests[0].json);
    expect(body.first_action).toBe('debt_collection');
    expect(body.customer).toMatchObject({ id_number: '5560360793', is_company: true, email: null });
    expect(body.debts[0].capital_to_claim).toBe(1);
  });

  it("returns the partner's warnings", async () => {
    const { adapter } = await setup(registered('warning', ['E-mail address bounced before']));
    await expect(adapter.registerCase({ creditorId: 'cr_1', caseId: 'c', invoice: invoiceFixture(), claimOre: 100 })).resolves.toMatchObject({
      warnings: ['E-mail address bounced before'],
    });
  });

  it('throws PartnerRefusedError for a registration answered with status "error" (HTTP 200)', async () => {
    const { adapter, requests } = await setup({ status: 200, json: { _id: 'r_2', status: 'error', messages: ['Debtor is deceased'] } });
    const error = await adapter.registerCase({ creditorId: 'cr_1', caseId: 'c', invoice: invoiceFixture(), claimOre: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerRefusedError);
    expect(error).toMatchObject({ httpStatus: 200, partnerMessage: 'Debtor is deceased', permanent: true });
    expect(requests).toHaveLength(1);
  });

  it("throws PartnerRefusedError with the partner's reason for a 422", async () => {
    const { adapter } = await setup(eveError(422, 'Validation failed', { 'customer.id_number': 'required' }));
    await expect(adapter.registerCase({ creditorId: 'cr_1', caseId: 'c', invoice: invoiceFixture(), claimOre: 100 })).rejects.toMatchObject({
      httpStatus: 422,
      message: expect.stringContaining('customer.id_number: required'),
    });
  });

  it('treats an accepted registration that lists no case as a broken answer', async () => {
    const { adapter } = await setup({ status: 201, json: { _id: 'r_3', status: 'completed', cases: [] } });
    await expect(adapter.registerCase({ creditorId: 'cr_1', caseId: 'c', invoice: invoiceFixture(), claimOre: 100 })).rejects.toBeInstanceOf(
      PartnerProtocolError,
    );
  });
});

describe('creditor actions', () => {
  const ref = { creditorId: 'cr_1', invoiceNumber: '1001', idempotencyKey: 'act-1' };

  it('names the case by id when known, else by creditor and invoice number, with origin creditor_system', async () => {
    const { adapter, requests } = await setup({ json: { _id: 'a1', status: 'completed', messages: [] } });
    await expect(adapter.cancelCase({ ...ref, partnerCaseId: 'c_1', reason: 'Paid directly' })).resolves.toEqual({ outcome: 'completed', messages: [] });
    await adapter.cancelCase({ ...ref, reason: 'Paid directly', idempotencyKey: 'act-2' });
    expect(requests.map((r) => [r.path, r.json, r.headers['idempotency-key']])).toEqual([
      ['/creditor--cancellations', { case: 'c_1', origin: 'creditor_system', reason: 'Paid directly' }, 'act-1'],
      ['/creditor--cancellations', { creditor: 'cr_1', invoice_number: '1001', origin: 'creditor_system', reason: 'Paid directly' }, 'act-2'],
    ]);
  });

  it('reports payments, creditings and respites in decimal SEK and RFC 1123', async () => {
    const { adapter, requests } = await setup({ json: { _id: 'a1', status: 'warning', messages: ['Overpaid'] } });
    await expect(adapter.reportDirectPayment({ ...ref, partnerCaseId: 'c_1', amountOre: 43_671, paidOn: '2026-11-24', reference: 'bank-77' })).resolves.toEqual({
      outcome: 'warning',
      messages: ['Overpaid'],
    });
    await adapter.reportCrediting({ ...ref, partnerCaseId: 'c_1' });
    await adapter.reportCrediting({ ...ref, partnerCaseId: 'c_1', amountOre: 5 });
    await adapter.requestRespite({ ...ref, partnerCaseId: 'c_1', until: '2026-12-15' });
    expect(requests.map((r) => [r.path, r.body])).toEqual([
      ['/creditor--payments', '{"case":"c_1","origin":"creditor_system","amount":436.71,"payment_date":"Tue, 24 Nov 2026 00:00:00 GMT","reference":"bank-77"}'],
      ['/creditor--creditings', '{"case":"c_1","origin":"creditor_system"}'],
      ['/creditor--creditings', '{"case":"c_1","origin":"creditor_system","amount":0.05}'],
      ['/creditor--respites', '{"case":"c_1","origin":"creditor_system","respite_until":"Tue, 15 Dec 2026 00:00:00 GMT"}'],
    ]);
  });

  it('throws PartnerRefusedError for status "error", and says whether it means "already closed"', async () => {
    const { adapter } = await setup(
      inOrder({ json: { _id: 'a1', status: 'error', messages: ['Case c_1 is closed (paid)'] } }, { json: { status: 'error', messages: ['Amount exceeds remaining capital'] } }),
    );
    const closed = await adapter.cancelCase({ ...ref, partnerCaseId: 'c_1', reason: 'x' }).catch((e: unknown) => e);
    const other = await adapter.reportDirectPayment({ ...ref, partnerCaseId: 'c_1', amountOre: 1, paidOn: '2026-11-24' }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(PartnerRefusedError);
    expect(isAlreadyClosed(closed)).toBe(true);
    expect(other).toBeInstanceOf(PartnerRefusedError);
    expect(isAlreadyClosed(other)).toBe(false);
    expect(isAlreadyClosed(new Error('closed'))).toBe(false);
  });
});

describe('reading cases', () => {
  it('maps a case into our vocabulary', async () => {
    const { adapter, requests } = await setup({
      json: wireCaseJson({
        states: [
          ['initializing', '2026-11-20'],
          ['reminder', '2026-11-21'],
        ],
        statuses: [['active', '2026-11-20']],
        capital: [1250, 813.29],
        interestRemaining: 0,
        costs: [{ type: 'reminder_fee', amount: 60, on: '2026-11-21' }],
        payments: [
          { id: 'p_1', amount: 500, on: '2026-11-24', costs: 60, interest: 3.29, capital: 436.71 },
          { id: 'p_2', amount: 100, on: '2026-11-25', origin: 'creditor', capital: 100 },
        ],
      }),
    });
    const view = await adapter.getCase('c_1');
    expect(requests[0].path).toBe('/cases/c_1');
    expect(view).toEqual<PartnerCaseView>({
      partnerCaseId: 'c_1',
      creditorId: 'cr_1',
      invoiceNumber: '1001',
      ocr: '10016',
      etag: 'etag-1',
      createdAt: '2026-11-20T09:00:00.000Z',
      updatedAt: '2026-11-25T09:00:00.000Z',
      closed: false,
      raw: { state: 'reminder', status: 'active' },
      stage: 'reminder_sent',
      stages: [
        { stage: 'registered', on: '2026-11-20' },
        { stage: 'reminder_sent', on: '2026-11-21' },
      ],
      condition: 'active',
      conditions: [{ condition: 'active', raw: 'active', on: '2026-11-20' }],
      respiteUntil: null,
      rejectReason: null,
      closedReason: null,
      capitalOriginalOre: 125_000,
      capitalRemainingOre: 81_329,
      interestRemainingOre: 0,
      costs: [{ kind: 'reminder_fee', amountOre: 6000, on: '2026-11-21', rawType: 'reminder_fee' }],
      payments: [
        { partnerPaymentId: 'p_1', paidOn: '2026-11-24', amountOre: 50_000, capitalOre: 43_671, origin: 'debtor' },
        { partnerPaymentId: 'p_2', paidOn: '2026-11-25', amountOre: 10_000, capitalOre: 10_000, origin: 'creditor' },
      ],
      unknown: {},
    });
  });

  it('keeps unknown states, statuses and cost types raw, flags them and logs them, without failing', async () => {
    const { adapter, logger } = await setup({
      json: wireCaseJson({
        states: [
          ['initializing', '2026-11-20'],
          ['pre_check', '2026-11-20'],
          ['reminder', '2026-11-21'],
          ['payment_plan', '2026-11-28'],
        ],
        statuses: [['instalments', '2026-11-28']],
        costs: [{ type: 'kronofogden_fee', amount: 300, on: '2026-11-28' }],
      }),
    });
    const view = (await adapter.getCase('c_1')) as PartnerCaseView;
    expect(view.stage).toBeNull();
    expect(view.stages.map((s) => s.stage)).toEqual(['registered', 'reminder_sent']);
    expect(view.condition).toBe('unknown');
    expect(view.unknown).toEqual({ state: 'payment_plan', status: 'instalments', historyStates: ['pre_check'] });
    expect(view.raw).toEqual({ state: 'payment_plan', status: 'instalments' });
    expect(view.costs[0]).toMatchObject({ kind: 'other', rawType: 'kronofogden_fee', amountOre: 30_000 });
    expect(logger.lines).toEqual([
      {
        message: 'Partner case c_1 has values the adapter does not know; kept raw',
        details: { partnerCaseId: 'c_1', state: 'payment_plan', status: 'instalments', historyStates: ['pre_check'] },
      },
    ]);
  });

  it('answers null for an unknown case', async () => {
    const { adapter } = await setup(eveError(404, 'Not found'));
    await expect(adapter.getCase('c_404')).resolves.toBeNull();
  });

  it('finds the newest case of an invoice', async () => {
    const { adapter, requests } = await setup({
      json: {
        _items: [
          wireCaseJson({ id: 'c_old', created: '2026-09-01T08:00:00', status: 'cancelled' }),
          wireCaseJson({ id: 'c_new', created: '2026-11-20T08:00:00' }),
          wireCaseJson({ id: 'c_mid', created: '2026-10-01T08:00:00', status: 'paid' }),
        ],
        _meta: { page: 1, max_results: 50, total: 3 },
      },
    });
    await expect(adapter.findCase({ creditorId: 'cr_1', invoiceNumber: '1001' })).resolves.toMatchObject({ partnerCaseId: 'c_new' });
    expect(JSON.parse(requests[0].query.get('where') as string)).toEqual({ creditor: 'cr_1', invoice_number: '1001' });
    expect(requests[0].query.get('sort')).toBe('-_created');
  });

  it('answers null when the invoice has no case', async () => {
    const { adapter } = await setup({ json: { _items: [], _meta: { page: 1, max_results: 50, total: 0 } } });
    await expect(adapter.findCase({ creditorId: 'cr_1', invoiceNumber: '9' })).resolves.toBeNull();
  });
});

describe('portalUrl', () => {
  it('links the portal and one case in it', async () => {
    const { adapter } = await setup({ json: {} });
    expect(adapter.portalUrl()).toBe(`${server?.baseUrl}/portal`);
    expect(adapter.portalUrl('c 1/x')).toBe(`${server?.baseUrl}/portal/cases/c%201%2Fx`);
    const custom = new AmiliAdapter({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', portalUrl: 'https://app.amili.se/' });
    expect(custom.portalUrl('c_1')).toBe('https://app.amili.se/cases/c_1');
  });
});

// ------------------------------------------------------------------------------------------ polling

const caseItem: ItemOf = (id, updated, etag) => wireCaseJson({ id, updated, etag });

function pollAll(adapter: AmiliAdapter, start: PollingCursor, pageSize: number) {
  const poll: Poll = async (cursor, size) => {
    const result = await adapter.listCasesUpdatedSince(cursor, size);
    return { ids: result.cases.map((c) => c.partnerCaseId), versions: result.cases.map((c) => c.etag), next: result.next, hasMore: result.hasMore };
  };
  return pollCursor(poll, start, pageSize);
}

describe('listCasesUpdatedSince', () => {
  it('delivers every change once across a second boundary, with duplicates and reordering', async () => {
    const partner = new FakeList(caseItem);
    partner.duplicate = true;
    partner.reorder = true;
    const { adapter, requests } = await setup(partner.handler);
    for (const id of ['a', 'b', 'c']) partner.touch(id); // 10:00:00
    partner.tick();
    partner.touch('d'); // 10:00:01

    const first = await pollAll(adapter, INITIAL_POLLING_CURSOR, 2);
    expect(first.delivered).toEqual([
      { id: 'a', etag: 'e1' },
      { id: 'b', etag: 'e1' },
      { id: 'c', etag: 'e1' },
      { id: 'd', etag: 'e1' },
    ]);
    expect(first.cursor).toEqual({ updatedAfter: rfc('2026-11-25T10:00:01'), seenIdsAtThatSecond: ['d e1'] });
    expect(requests[0].query.get('where')).toBeNull();
    expect(JSON.parse(requests[requests.length - 1].query.get('where') as string)).toEqual({ _updated: { $gte: rfc('2026-11-25T10:00:01') } });

    // Still 10:00:01: a new case, and b and d changed again within the second we already read.
    partner.touch('e');
    partner.touch('b');
    partner.touch('d');
    partner.tick();
    partner.touch('f'); // 10:00:02
    const second = await pollAll(adapter, first.cursor, 2);
    expect(second.delivered).toEqual([
      { id: 'b', etag: 'e2' },
      { id: 'd', etag: 'e2' },
      { id: 'e', etag: 'e1' },
      { id: 'f', etag: 'e1' },
    ]);

    const third = await pollAll(adapter, second.cursor, 2);
    expect(third.delivered).toEqual([]);
    expect(third.cursor).toEqual(second.cursor);
  });

  it('pages past a second holding more cases than a page', async () => {
    const partner = new FakeList(caseItem);
    const { adapter } = await setup(partner.handler);
    const ids = Array.from({ length: 7 }, (_, i) => `k${i}`);
    for (const id of ids) partner.touch(id); // all in one second
    const { delivered } = await pollAll(adapter, INITIAL_POLLING_CURSOR, 3);
    expect(delivered.map((d) => d.id)).toEqual(ids);
  });

  it('loses nothing under random updates, also while a poll is paging (property)', async () => {
    let seed = 12345;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const partner = new FakeList(caseItem);
    partner.duplicate = true;
    partner.reorder = true;
    const { adapter } = await setup(partner.handler);
    const latestDelivered = new Map<string, string>();
    let cursor = INITIAL_POLLING_CURSOR;
    for (let round = 0; round < 40; round++) {
      const updates = Math.floor(random() * 8);
      for (let u = 0; u < updates; u++) {
        if (random() < 0.4) partner.tick();
        partner.touch(`case-${Math.floor(random() * 12)}`);
      }
      // Meanwhile, cases keep changing between the pages of a poll.
      partner.onRequest = () => {
        if (random() < 0.3) {
          if (random() < 0.5) partner.tick();
          partner.touch(`case-${Math.floor(random() * 12)}`);
        }
      };
      const result = await pollAll(adapter, cursor, 1 + Math.floor(random() * 4));
      for (const d of result.delivered) latestDelivered.set(d.id, d.etag);
      cursor = result.cursor;
    }
    partner.onRequest = () => undefined;
    const last = await pollAll(adapter, cursor, 3);
    for (const d of last.delivered) latestDelivered.set(d.id, d.etag);
    expect(latestDelivered).toEqual(partner.current());
  });

  it('refuses a cursor that is not a partner date', async () => {
    const { adapter } = await setup({ json: { _items: [], _meta: { page: 1, max_results: 1, total: 0 } } });
    await expect(adapter.listCasesUpdatedSince({ updatedAfter: 'yesterday', seenIdsAtThatSecond: [] }, 10)).rejects.toThrow(RangeError);
  });
});
