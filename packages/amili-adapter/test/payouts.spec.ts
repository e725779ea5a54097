import { AmiliAdapter, INITIAL_POLLING_CURSOR, type PollingCursor } from '../src/amili-adapter';
import { PartnerProtocolError, PartnerRefusedError } from '../src/errors';
import { type PartnerPayout } from '../src/index';
import { FakeList, type Poll, pollAll } from './support/fake-list';
import { payoutReference, rfc, silentLogger, wirePayoutJson } from './support/fixtures';
import { type Handler, type PartnerServer, type Reply, eveError, inOrder, startPartnerServer } from './support/partner-server';

let server: PartnerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(handler: Handler | Reply) {
  server = await startPartnerServer(typeof handler === 'function' ? handler : inOrder(handler));
  const adapter = new AmiliAdapter({
    baseUrl: server.baseUrl,
    apiKey: 'key-1',
    logger: silentLogger(),
    client: { retries: 1, sleep: async () => undefined },
  });
  return { adapter, requests: server.requests };
}

describe('getPayout', () => {
  it('maps a payout into our vocabulary, to the öre', async () => {
    const { adapter, requests } = await setup({
      json: wirePayoutJson({
        id: 'po_7',
        creditor: 'cr_2',
        payoutDate: '2026-11-26',
        reference: payoutReference(7),
        items: [
          { case: 'c_1', invoiceNumber: '1001', payment: 'p_1', capital: 0.1, interest: 0.2 },
          { case: 'c_2', invoiceNumber: '1002', payment: 'p_2', capital: 1250.35, interest: 16.44 },
        ],
      }),
    });
    await expect(adapter.getPayout('po_7')).resolves.toEqual<PartnerPayout>({
      partnerPayoutId: 'po_7',
      creditorId: 'cr_2',
      payoutDate: '2026-11-26',
      amountOre: 126_709,
      reference: payoutReference(7),
      items: [
        { partnerCaseId: 'c_1', invoiceNumber: '1001', partnerPaymentId: 'p_1', capitalOre: 10, interestOre: 20 },
        { partnerCaseId: 'c_2', invoiceNumber: '1002', partnerPaymentId: 'p_2', capitalOre: 125_035, interestOre: 1_644 },
      ],
    });
    expect(requests[0].path).toBe('/payouts/po_7');
    expect(requests[0].headers['x-api-key']).toBe('key-1');
  });

  it('passes the partner’s 404 on as a refusal', async () => {
    const { adapter } = await setup(eveError(404, 'Payout not found.'));
    await expect(adapter.getPayout('po_404')).rejects.toMatchObject({ name: 'PartnerRefusedError', httpStatus: 404, permanent: true });
    await expect(adapter.getPayout('po_404')).rejects.toBeInstanceOf(PartnerRefusedError);
  });

  type Wire = Record<string, any>;
  it.each<[string, (payout: Wire) => void, RegExp]>([
    ['items that do not sum to the amount', (p) => (p.amount = 440.01), /amount: the items sum to 44000 öre, the amount is 44001 öre/],
    ['another currency', (p) => (p.currency = 'EUR'), /currency: only SEK payouts can be booked/],
    ['no currency', (p) => delete p.currency, /currency: only SEK payouts can be booked/],
    ['an amount with three decimals', (p) => (p.amount = 440.001), /amount: not an amount of money: 440.001 has more than two decimals/],
    ['a negative item', (p) => (p.items[0].capital = -436.71), /items\.0\.capital: a negative amount/],
    ['an item without its payment', (p) => (p.items[0].payment = ''), /items\.0\.payment/],
    [
      'a payment paid out twice',
      (p) => {
        p.items.push({ ...p.items[0] });
        p.amount = 880;
      },
      /items: payment p_1 is paid out twice/,
    ],
    ['a reference with a wrong check digit', (p) => (p.reference = p.reference.replace(/\d$/, (d: string) => String((Number(d) + 1) % 10))), /reference: the check digit/],
    ['a reference that is too short', (p) => (p.reference = '18'), /reference: not a payment reference of 10 to 16 digits/],
    ['a payout date that is not RFC 1123', (p) => (p.payout_date = '2026-11-26'), /payout_date: not an RFC 1123 date/],
  ])('treats %s as a broken answer (PartnerProtocolError)', async (_what, mutate, problem) => {
    const json: Wire = wirePayoutJson();
    mutate(json);
    const { adapter, requests } = await setup({ json });
    const error = await adapter.getPayout('po_1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerProtocolError);
    expect(error).toMatchObject({ permanent: false, attempts: 2, operation: 'GET /payouts/po_1', httpStatus: 200 });
    expect((error as PartnerProtocolError).problem).toMatch(problem);
    expect(requests).toHaveLength(2); // retried once: it may be a passing fault
  });
});

describe('listPayoutsUpdatedSince', () => {
  const payoutItem = (id: string, updated: string, etag: string) => wirePayoutJson({ id, updated, etag });

  function poller(adapter: AmiliAdapter): Poll {
    return async (cursor, size) => {
      const result = await adapter.listPayoutsUpdatedSince(cursor, size);
      return { ids: result.payouts.map((p) => p.partnerPayoutId), next: result.next, hasMore: result.hasMore };
    };
  }

  it('delivers every payout once across a second boundary, with duplicates and reordering, as the case cursor does', async () => {
    const partner = new FakeList(payoutItem);
    partner.duplicate = true;
    partner.reorder = true;
    const { adapter, requests } = await setup(partner.handler);
    for (const id of ['po_a', 'po_b', 'po_c']) partner.touch(id); // 10:00:00
    partner.tick();
    partner.touch('po_d'); // 10:00:01

    const first = await pollAll(poller(adapter), INITIAL_POLLING_CURSOR, 2);
    expect(first.delivered.map((d) => d.id)).toEqual(['po_a', 'po_b', 'po_c', 'po_d']);
    expect(first.cursor).toEqual({ updatedAfter: rfc('2026-11-25T10:00:01'), seenIdsAtThatSecond: ['po_d e1'] });
    expect(requests.every((r) => r.path === '/payouts' && r.query.get('sort') === '_updated')).toBe(true);
    expect(requests[0].query.get('where')).toBeNull();
    expect(JSON.parse(requests[requests.length - 1].query.get('where') as string)).toEqual({ _updated: { $gte: rfc('2026-11-25T10:00:01') } });

    // Still 10:00:01: a new payout, and one changed again within the second already read.
    partner.touch('po_e');
    partner.touch('po_d');
    partner.tick();
    partner.touch('po_f');
    const second = await pollAll(poller(adapter), first.cursor, 2);
    expect(second.delivered.map((d) => d.id)).toEqual(['po_d', 'po_e', 'po_f']);

    const third = await pollAll(poller(adapter), second.cursor, 2);
    expect(third.delivered).toEqual([]);
    expect(third.cursor).toEqual(second.cursor);
  });

  it('pages past a second holding more payouts than a page', async () => {
    const partner = new FakeList(payoutItem);
    const { adapter } = await setup(partner.handler);
    const ids = Array.from({ length: 7 }, (_, i) => `po_${i}`);
    for (const id of ids) partner.touch(id);
    const { delivered } = await pollAll(poller(adapter), INITIAL_POLLING_CURSOR, 3);
    expect(delivered.map((d) => d.id)).toEqual(ids);
  });

  it('maps the payouts it lists', async () => {
    const { adapter, requests } = await setup({ json: { _items: [wirePayoutJson({ id: 'po_1' })], _meta: { page: 1, max_results: 10, total: 1 } } });
    const result = await adapter.listPayoutsUpdatedSince(INITIAL_POLLING_CURSOR, 10);
    expect(result).toEqual({
      payouts: [
        {
          partnerPayoutId: 'po_1',
          creditorId: 'cr_1',
          payoutDate: '2026-11-26',
          amountOre: 44_000,
          reference: payoutReference(1),
          items: [{ partnerCaseId: 'c_1', invoiceNumber: '1001', partnerPaymentId: 'p_1', capitalOre: 43_671, interestOre: 329 }],
        },
      ],
      next: { updatedAfter: rfc('2026-11-26T00:00:04'), seenIdsAtThatSecond: ['po_1 etag-1'] },
      hasMore: false,
    });
    expect(requests[0].query.get('max_results')).toBe('10');
  });

  it('stops at a broken payout with a PartnerProtocolError, so the cursor the caller keeps has not passed it', async () => {
    const good = wirePayoutJson({ id: 'po_1', updated: '2026-11-26T00:00:04' });
    const broken = wirePayoutJson({ id: 'po_2', updated: '2026-11-26T00:00:05', currency: 'NOK' });
    const page = (items: unknown[]): Reply => ({ json: { _items: items, _meta: { page: 1, max_results: 10, total: items.length } } });
    const { adapter } = await setup(inOrder(page([good, broken]), page([good, broken]), page([good, { ...broken, currency: 'SEK' }])));
    const cursor: PollingCursor = INITIAL_POLLING_CURSOR;
    const error = await adapter.listPayoutsUpdatedSince(cursor, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerProtocolError);
    expect((error as PartnerProtocolError).problem).toMatch(/_items\.1\.currency: only SEK payouts can be booked/);
    // Once the partner answers in SEK, the same cursor delivers both.
    const { payouts } = await adapter.listPayoutsUpdatedSince(cursor, 10);
    expect(payouts.map((p) => p.partnerPayoutId)).toEqual(['po_1', 'po_2']);
  });

  it('refuses a cursor that is not a partner date', async () => {
    const { adapter } = await setup({ json: { _items: [], _meta: { page: 1, max_results: 1, total: 0 } } });
    await expect(adapter.listPayoutsUpdatedSince({ updatedAfter: 'yesterday', seenIdsAtThatSecond: [] }, 10)).rejects.toThrow(RangeError);
  });
});
