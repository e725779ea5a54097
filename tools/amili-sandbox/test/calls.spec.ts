/** GET /_sandbox/calls: how often each partner call arrived, with its idempotency key, and what became of it. */
import { type Harness, call, createCreditor, registrationBody, startSandbox } from './helpers';

describe('The call log', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startSandbox();
  });
  afterEach(async () => h.dispose());

  const calls = async (query = '') => (await h.call('GET', `/_sandbox/calls${query}`)).body;

  it('lists every partner call with its key; a repeat of a key is a replay that created nothing', async () => {
    const creditor = await createCreditor(h);
    const body = registrationBody(creditor, { invoiceNumber: '7001', now: h.sandbox.clock.now().getTime() });
    const first = await h.call('POST', '/case--registrations', body, { 'idempotency-key': 'job-1' });
    const again = await h.call('POST', '/case--registrations', body, { 'idempotency-key': 'job-1' });
    expect([first.status, again.status]).toEqual([201, 201]);
    await h.call('GET', `/cases/${first.body.cases[0]._id}`);
    await h.call('POST', '/creditor--cancellations', { origin: 'creditor_system', case: first.body.cases[0]._id }, { 'idempotency-key': 'job-2' });
    await h.call('POST', '/_sandbox/clock/advance', { days: 1 });
    await h.call('GET', '/health');

    const log = await calls();
    // Control, health and portal requests are not partner calls.
    expect(log.calls.map((c: { method: string; path: string }) => `${c.method} ${c.path}`)).toEqual([
      'POST /creditors',
      'POST /case--registrations',
      'POST /case--registrations',
      `GET /cases/${first.body.cases[0]._id}`,
      'POST /creditor--cancellations',
    ]);
    expect(log.calls[4]).toMatchObject({ idempotencyKey: 'job-2', status: 200, about: [first.body.cases[0]._id] });
    const [, created, replay] = log.calls;
    expect(created).toMatchObject({ idempotencyKey: 'job-1', status: 201, replayed: false, faulted: false, lost: false, createdCases: [first.body.cases[0]._id], about: ['7001'] });
    expect(replay).toMatchObject({ idempotencyKey: 'job-1', status: 201, replayed: true, createdCases: [] });
    expect(log).toMatchObject({ total: 5, dropped: 0 });

    const registrations = await calls('?method=post&path=/case--registrations');
    expect(registrations.calls.map((c: { seq: number }) => c.seq)).toEqual([2, 3]);
    expect((await calls('?since=3')).calls.map((c: { seq: number }) => c.seq)).toEqual([4, 5]);
    expect((await h.call('GET', '/_sandbox/calls?since=x')).status).toBe(422);
  });

  it('marks injected errors and lost answers', async () => {
    await h.call('POST', '/_sandbox/faults', { errorRate: 1 });
    expect((await h.call('POST', '/creditors', {}, { 'idempotency-key': 'k-err' })).status).toBeGreaterThanOrEqual(500);
    await h.call('POST', '/_sandbox/faults', { loseResponseRate: 1 });
    await expect(call(h.url, 'GET', '/creditors', undefined, { 'x-api-key': h.sandbox.apiKey })).rejects.toThrow();
    await h.call('POST', '/_sandbox/faults', {});
    const log = await calls();
    expect(log.calls.map((c: { faulted: boolean; lost: boolean; idempotencyKey: string | null }) => [c.faulted, c.lost, c.idempotencyKey])).toEqual([
      [true, false, 'k-err'],
      [false, true, null],
    ]);
  });
});
