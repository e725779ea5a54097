import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createCreditor, getCase, registerCase, sleep, startSandbox, type Harness } from './helpers';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A local receiver that records every push and answers with the next status from `statuses` (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await sleep(20);
  }
}

const SECRET = 'whsec-test';

function verify(r: Received, secret = SECRET): boolean {
  const timestamp = r.headers['x-webhook-timestamp'] as string;
  const expected = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${r.raw}`).digest('hex');
  return r.headers['x-webhook-signature'] === expected;
}

describe('push notifications', () => {
  let h: Harness;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  afterEach(async () => {
    await h.dispose();
    await hooks.close();
  });

  it('POSTs a signed case.updated for every case change; the receiver fetches the case', async () => {
    hooks = await receiver();
    h = await startSandbox({ tickMs: 50 });
    const config = await h.call('POST', '/_sandbox/webhook', { url: hooks.url, secret: SECRET });
    expect(config.body).toEqual({ url: hooks.url, secret_set: true });
    expect((await h.call('GET', '/_sandbox/webhook')).body).toEqual({ url: hooks.url, secret_set: true });

    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor);
    // One for the registration and one when the next tick sends the reminder, with no request in between.
    await until(() => hooks.received.length >= 2);
    for (const r of hooks.received) {
      expect(verify(r)).toBe(true);
      expect(verify(r, 'another secret')).toBe(false);
      expect(r.headers['content-type']).toBe('application/json');
      expect(Math.abs(Number(r.headers['x-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(JSON.parse(r.raw)).toEqual({ event: 'case.updated', case: id, _updated: expect.stringMatching(/GMT$/), _etag: expect.any(String) });
    }
    const keys = hooks.received.map((r) => r.headers['x-idempotency-key']);
    expect(new Set(keys).size).toBe(keys.length);
    const last = JSON.parse(hooks.received[hooks.received.length - 1].raw);
    const kase = await getCase(h, id);
    expect(kase.state).toBe('reminder');
    expect(last._etag).toBe(kase._etag);
  });

  it('delivers each notification twice with the same idempotency key when duplicateRate is 1', async () => {
    hooks = await receiver();
    h = await startSandbox({ webhook: { url: hooks.url, secret: SECRET } });
    await h.call('POST', '/_sandbox/faults', { duplicateRate: 1 });
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor);
    await until(() => hooks.received.length >= 2);
    await sleep(100);
    expect(hooks.received).toHaveLength(2);
    expect(hooks.received[0].headers['x-idempotency-key']).toBe(hooks.received[1].headers['x-idempotency-key']);
    expect(hooks.received[0].raw).toBe(hooks.received[1].raw);
    expect(JSON.parse(hooks.received[0].raw).case).toBe(id);
    expect(hooks.received.every((r) => verify(r))).toBe(true);
  });

  it('retries a failed delivery with the same idempotency key', async () => {
    hooks = await receiver([500, 503]);
    h = await startSandbox({ webhook: { url: hooks.url, secret: SECRET } });
    const creditor = await createCreditor(h);
    await registerCase(h, creditor);
    await until(() => hooks.received.length >= 3);
    const keys = new Set(hooks.received.map((r) => r.headers['x-idempotency-key']));
    expect(keys.size).toBe(1);
    expect(hooks.received.every((r) => verify(r))).toBe(true);
  });

  it('stops pushing when the webhook is removed', async () => {
    hooks = await receiver();
    h = await startSandbox({ webhook: { url: hooks.url, secret: SECRET } });
    expect((await h.call('POST', '/_sandbox/webhook', { url: null })).body).toEqual({ url: null, secret_set: false });
    const creditor = await createCreditor(h);
    await registerCase(h, creditor);
    await sleep(200);
    expect(hooks.received).toHaveLength(0);
    expect((await h.call('POST', '/_sandbox/webhook', { url: 'ftp://x', secret: 's' })).status).toBe(422);
  });
});
