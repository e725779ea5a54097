import { z } from 'zod';
import { PartnerProtocolError, PartnerRefusedError, PartnerUnavailableError } from '../src/errors';
import { type PartnerHttpClientOptions, PartnerHttpClient, defaultIdempotencyKey } from '../src/http-client';
import { wireActionAnswer, wireCase } from '../src/wire';
import { silentLogger, wireCaseJson } from './support/fixtures';
import { type Handler, type PartnerServer, type Reply, eveError, inOrder, startPartnerServer } from './support/partner-server';

const answerSchema = z.object({ ok: z.boolean() });

let server: PartnerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(handler: Handler | Reply, options: PartnerHttpClientOptions = {}) {
  server = await startPartnerServer(typeof handler === 'function' ? handler : inOrder(handler));
  const delays: number[] = [];
  const logger = silentLogger();
  const client = new PartnerHttpClient({
    baseUrl: server.baseUrl,
    apiKey: 'key-1',
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    logger,
    ...options,
  });
  return { client, delays, logger, requests: server.requests };
}

describe('retries', () => {
  it('retries transient failures with exponential backoff and full jitter, sending the same Idempotency-Key each time', async () => {
    const { client, delays, requests } = await setup(inOrder({ status: 503, body: 'busy' }, { status: 502 }, { status: 500 }, { json: { ok: true } }));
    const answer = await client.post('/creditor--payments', { amount: 10 }, answerSchema, { idempotencyKey: 'pay-1' });
    expect(answer).toEqual({ ok: true });
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual(['pay-1', 'pay-1', 'pay-1', 'pay-1']);
    expect(requests.every((r) => r.body === '{"amount":10}')).toBe(true);
    // random() = 0.5 of the ceiling min(5000, 200·2^n)
    expect(delays).toEqual([100, 200, 400]);
  });

  it('caps the backoff at maxDelayMs and uses the whole range of the jitter', async () => {
    const randoms = [0, 0.999, 0.25, 0.999];
    const { client, delays } = await setup(inOrder({ status: 503 }), { retries: 4, baseDelayMs: 1000, maxDelayMs: 3000, random: () => randoms.shift() ?? 0 });
    await expect(client.get('/cases/c_1', wireCase)).rejects.toBeInstanceOf(PartnerUnavailableError);
    expect(delays).toEqual([0, 1998, 750, 2997]); // ceilings 1000, 2000, 3000 (capped), 3000
  });

  it("waits at least the partner's Retry-After", async () => {
    const { client, delays } = await setup(inOrder({ status: 429, headers: { 'retry-after': '2' } }, { json: { ok: true } }));
    await client.get('/x', answerSchema);
    expect(delays).toEqual([2000]);
  });

  it('gives up after the configured retries with PartnerUnavailableError, a transient error with a sentence', async () => {
    const { client, requests } = await setup(inOrder({ status: 500, body: '<html>oops</html>' }), { retries: 2 });
    const error = await client.get('/cases/c_1', wireCase).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerUnavailableError);
    expect(error).toMatchObject({ permanent: false, reason: 'http_status', attempts: 3, httpStatus: 500 });
    expect((error as Error).message).toBe('The collection partner could not be reached for GET /cases/c_1 after 3 attempt(s): HTTP 500.');
    expect(requests).toHaveLength(3);
  });

  it('derives the Idempotency-Key from the body when the caller gives none, and sends the API key', async () => {
    const { client, requests } = await setup(inOrder({ status: 503 }, { json: { ok: true } }));
    await client.post('/creditors', { name: 'A' }, answerSchema);
    await client.post('/creditors', { name: 'A' }, answerSchema);
    await client.post('/creditors', { name: 'B' }, answerSchema);
    const keys = requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toBe(defaultIdempotencyKey('/creditors', '{"name":"A"}'));
    expect(keys).toEqual([keys[0], keys[0], keys[0], expect.not.stringMatching(keys[0] as string)]);
    expect(requests.every((r) => r.headers['x-api-key'] === 'key-1')).toBe(true);
  });
});

describe('refusals are not retried', () => {
  it("turns a 422 into PartnerRefusedError with the partner's message and issues", async () => {
    const { client, requests } = await setup(eveError(422, 'Validation failed', { 'debts.0.capital_to_claim': 'must be positive' }));
    const error = await client.post('/case--registrations', {}, answerSchema, { idempotencyKey: 'k' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerRefusedError);
    expect(error).toMatchObject({ permanent: true, httpStatus: 422, partnerMessage: 'Validation failed', issues: { 'debts.0.capital_to_claim': 'must be positive' } });
    expect((error as Error).message).toBe(
      'The collection partner refused POST /case--registrations (422): Validation failed (debts.0.capital_to_claim: must be positive).',
    );
    expect(requests).toHaveLength(1);
  });

  it('treats a 200 answer with status "error" as a refusal when the caller says so', async () => {
    const { client, requests } = await setup(inOrder({ json: { _id: 'a1', status: 'error', messages: ['Case is already closed'] } }));
    const error = await client
      .post('/creditor--cancellations', { case: 'c_1' }, wireActionAnswer, { idempotencyKey: 'k', refusalOf: (a) => (a.status === 'error' ? a.messages : null) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerRefusedError);
    expect(error).toMatchObject({ httpStatus: 200, messages: ['Case is already closed'], partnerMessage: 'Case is already closed' });
    expect(requests).toHaveLength(1);
  });

  it('answers null for a 404 when asked, and refuses otherwise', async () => {
    const { client } = await setup(eveError(404, 'Not found'));
    await expect(client.getOrNull('/cases/nope', wireCase)).resolves.toBeNull();
    await expect(client.get('/cases/nope', wireCase)).rejects.toMatchObject({ httpStatus: 404, permanent: true });
  });

  it('refuses a 4xx whose body is not JSON with the status alone', async () => {
    const { client } = await setup({ status: 401, body: 'Unauthorized' });
    await expect(client.get('/cases', wireCase)).rejects.toMatchObject({ name: 'PartnerRefusedError', httpStatus: 401, partnerMessage: 'HTTP 401' });
  });
});

describe('answers that break the contract', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['invalid JSON', () => '{"_id": "c_1", ', /the body is not JSON/],
    ['a missing field', () => ({ ...wireCaseJson(), capital: undefined }), /capital: /],
    ['an amount with three decimals', () => wireCaseJson({ capital: [1250, 1249.995] }), /capital\.remaining: not an amount of money: 1249\.995 has more than two decimals/],
    ['an amount that is not a number', () => wireCaseJson({ capital: [1250, 'many'] }), /capital\.remaining: not an amount of money/],
    ['a date that is not RFC 1123', () => ({ ...wireCaseJson(), _updated: '2026-11-25T09:00:00Z' }), /_updated: not an RFC 1123 date/],
    ['an unknown payment origin', () => wireCaseJson({ payments: [{ id: 'p1', amount: 10, on: '2026-11-25', origin: 'bank', capital: 10 }] }), /payments\.0\.origin/],
    ['a payment allocated beyond its amount', () => wireCaseJson({ payments: [{ id: 'p1', amount: 10, on: '2026-11-25', capital: 10, costs: 1 }] }), /allocates 1100 öre of a 1000 öre payment/],
  ];

  it.each(cases)('raises PartnerProtocolError for %s, after retrying', async (_name, body, problem) => {
    const value = body();
    const { client, requests } = await setup(() => (typeof value === 'string' ? { status: 200, body: value } : { json: value }), { retries: 1 });
    const error = await client.get('/cases/c_1', wireCase).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerProtocolError);
    expect(error).toMatchObject({ permanent: false, attempts: 2 });
    expect((error as PartnerProtocolError).problem).toMatch(problem);
    expect(requests).toHaveLength(2);
  });

  it('recovers when a retry gets a valid answer', async () => {
    const { client } = await setup(inOrder({ status: 200, body: '<html>maintenance</html>' }, { json: wireCaseJson() }));
    await expect(client.get('/cases/c_1', wireCase)).resolves.toMatchObject({ _id: 'c_1', state: 'initializing' });
  });

  it('lets unknown state and status values and unknown fields through', async () => {
    const { client } = await setup(inOrder({ json: { ...wireCaseJson({ state: 'payment_plan', status: 'on_hold' }), new_field: { x: 1 } } }));
    await expect(client.get('/cases/c_1', wireCase)).resolves.toMatchObject({ state: 'payment_plan', status: 'on_hold', new_field: { x: 1 } });
  });
});

describe('timeouts and lost connections', () => {
  it('times out a slow answer and retries it', async () => {
    const { client, requests } = await setup(inOrder({ delayMs: 2000, json: { ok: true } }), { timeoutMs: 50, retries: 1 });
    const started = Date.now();
    const error = await client.get('/slow', answerSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout', attempts: 2 });
    expect((error as Error).message).toMatch(/no answer within 50 ms/);
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('retries a POST whose connection was lost after the partner did the work, with the same key', async () => {
    const { client, requests } = await setup(inOrder({ destroy: true }, { json: { ok: true } }));
    await expect(client.post('/creditor--payments', { amount: 1 }, answerSchema, { idempotencyKey: 'pay-7' })).resolves.toEqual({ ok: true });
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual(['pay-7', 'pay-7']);
  });

  it('reports a connection that is lost every time as unavailable (network)', async () => {
    const { client } = await setup(inOrder({ destroy: true }), { retries: 1 });
    await expect(client.get('/x', answerSchema)).rejects.toMatchObject({ reason: 'network', attempts: 2, message: expect.stringMatching(/the connection failed/) });
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive transient failures, fails fast while open, and closes after a successful probe', async () => {
    let clock = 1_000_000;
    let healthy = false;
    const { client, requests } = await setup(() => (healthy ? { json: { ok: true } } : { status: 503 }), {
      retries: 0,
      breakerThreshold: 3,
      breakerCooldownMs: 10_000,
      now: () => clock,
    });
    for (let i = 0; i < 3; i++) await expect(client.get('/x', answerSchema)).rejects.toMatchObject({ reason: 'http_status' });
    expect(client.breakerState).toBe('open');

    const fast = await client.get('/x', answerSchema).catch((e: unknown) => e);
    expect(fast).toMatchObject({ name: 'PartnerUnavailableError', reason: 'circuit_open', attempts: 0 });
    expect((fast as Error).message).toMatch(/circuit is open after 3 consecutive failures/);
    expect(requests).toHaveLength(3); // nothing sent while open

    clock += 9_999;
    expect(client.breakerState).toBe('open');
    clock += 1;
    expect(client.breakerState).toBe('half_open');
    healthy = true;
    await expect(client.get('/x', answerSchema)).resolves.toEqual({ ok: true });
    expect(client.breakerState).toBe('closed');
    expect(requests).toHaveLength(4);
    // Only the last call was answered: a caller that saw the partner unreachable can tell it is back.
    expect(client.answers).toBe(1);
  });

  it('counts the answers it got, refusals included, failures and fast failures not', async () => {
    const { client } = await setup(inOrder({ json: { ok: true } }, eveError(422, 'no'), { status: 503 }, { json: { ok: true } }), { retries: 0, breakerThreshold: 1, breakerCooldownMs: 60_000 });
    await client.get('/x', answerSchema);
    await expect(client.get('/x', answerSchema)).rejects.toMatchObject({ name: 'PartnerRefusedError' });
    expect(client.answers).toBe(2);
    await expect(client.get('/x', answerSchema)).rejects.toMatchObject({ reason: 'http_status' });
    await expect(client.get('/x', answerSchema)).rejects.toMatchObject({ reason: 'circuit_open' });
    expect(client.answers).toBe(2);
  });

  it('re-opens when the probe fails, and lets only one probe through at a time', async () => {
    let clock = 0;
    let reply: 'fail' | 'slow-ok' = 'fail';
    const { client, requests } = await setup(() => (reply === 'fail' ? { status: 503 } : { delayMs: 100, json: { ok: true } }), {
      retries: 0,
      breakerThreshold: 2,
      breakerCooldownMs: 1000,
      now: () => clock,
    });
    for (let i = 0; i < 2; i++) await expect(client.get('/x', answerSchema)).rejects.toThrow();
    clock += 1000;
    await expect(client.get('/x', answerSchema)).rejects.toMatchObject({ reason: 'http_status' }); // the probe fails
    expect(client.breakerState).toBe('open');
    expect(requests).toHaveLength(3);

    clock += 1000;
    reply = 'slow-ok';
    const probe = client.get('/x', answerSchema);
    await expect(client.get('/x', answerSchema)).rejects.toMatchObject({ reason: 'circuit_open', message: expect.stringMatching(/probe/) });
    await expect(probe).resolves.toEqual({ ok: true });
    expect(client.breakerState).toBe('closed');
    expect(requests).toHaveLength(4);
  });

  it('stops retrying when the circuit opens during a call', async () => {
    const { client, requests } = await setup(inOrder({ status: 503 }), { retries: 4, breakerThreshold: 2 });
    await expect(client.get('/x', answerSchema)).rejects.toMatchObject({ reason: 'http_status', attempts: 2 });
    expect(requests).toHaveLength(2);
  });

  it('counts a refusal as an answer: it resets the failure count', async () => {
    const { client } = await setup(inOrder({ status: 503 }, eveError(422, 'no'), { status: 503 }, { status: 503 }), { retries: 0, breakerThreshold: 2 });
    await expect(client.get('/x', answerSchema)).rejects.toBeInstanceOf(PartnerUnavailableError);
    await expect(client.get('/x', answerSchema)).rejects.toBeInstanceOf(PartnerRefusedError);
    await expect(client.get('/x', answerSchema)).rejects.toBeInstanceOf(PartnerUnavailableError);
    expect(client.breakerState).toBe('closed');
    await expect(client.get('/x', answerSchema)).rejects.toBeInstanceOf(PartnerUnavailableError);
    expect(client.breakerState).toBe('open');
  });
});
