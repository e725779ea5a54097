import { type Api, ORG, companyWithUser, invoiceBody, pgliteStorage, startApi, until } from './support/api-harness';

/** Reads server-sent events from a live HTTP response until `until` is satisfied. */
async function collectEvents(url: string, until: (events: { event: string; data: any }[]) => boolean, timeoutMs = 10_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: { event: string; data: any }[] = [];
  const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  const ready = { status: response.status, contentType: response.headers.get('content-type') };
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const done = (async () => {
    try {
      while (!until(events)) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return events;
  })();
  return { ready, done };
}

describe('Live updates over server-sent events', () => {
  let api: Api;
  let token: string;
  beforeAll(async () => {
    api = await startApi(pgliteStorage);
    token = await companyWithUser(api, ORG.main);
    await companyWithUser(api, ORG.other);
  });
  afterAll(async () => api?.close());

  it("pushes the caller's company's invoice and case changes after they are committed, and nothing of other companies", async () => {
    const stream = await collectEvents(`${api.url}/api/events?access_token=${token}`, (events) =>
      events.some((e) => e.event === 'invoice.changed' && e.data.status === 'requested') && events.some((e) => e.event === 'case.changed'),
    );
    expect(stream.ready).toEqual({ status: 200, contentType: expect.stringContaining('text/event-stream') });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Another company's change must not reach this stream.
    await api.call('PUT', '/api/invoices/7777', { token: api.userToken(ORG.other, 'bertil'), body: invoiceBody({ ocr: undefined }) });
    await api.call('PUT', '/api/invoices/5001', { token, body: invoiceBody({ ocr: undefined }) });
    await api.call('POST', '/api/invoices/5001/reminder-case', { token });
    const events = await stream.done;
    const invoiceEvents = events.filter((e) => e.event === 'invoice.changed');
    expect(invoiceEvents.map((e) => e.data.invoiceNumber)).not.toContain('7777');
    expect(invoiceEvents.map((e) => [e.data.invoiceNumber, e.data.status])).toEqual([
      ['5001', 'overdue'],
      ['5001', 'requested'],
    ]);
    expect(events.find((e) => e.event === 'case.changed')!.data).toMatchObject({ status: 'requested', invoice: { invoiceNumber: '5001' } });
  });

  it('counts the open streams in /metrics (pm_live_clients), and stops counting one when its client goes away', async () => {
    const openStreams = async () => {
      const metrics = await api.call('GET', '/metrics', { token: api.adminToken });
      return Number(/^pm_live_clients (\d+)$/m.exec(metrics.body)?.[1]);
    };
    await until(async () => (await openStreams()) === 0, 5_000, 20);
    const clients = [new AbortController(), new AbortController()];
    const responses = await Promise.all(clients.map((client) => fetch(`${api.url}/api/events?access_token=${token}`, { signal: client.signal })));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(await openStreams()).toBe(2);
    clients[0].abort();
    await until(async () => (await openStreams()) === 1, 5_000, 20);
    clients[1].abort();
    await until(async () => (await openStreams()) === 0, 5_000, 20);
  });

  it('refuses the stream without a valid token', async () => {
    expect((await fetch(`${api.url}/api/events`)).status).toBe(401);
    expect((await fetch(`${api.url}/api/events?access_token=nonsense`)).status).toBe(401);
  });
});
