/**
 * Security over every route, enumerated from the application itself (Nest's router, cross-checked with the
 * OpenAPI document), never from a hand-kept list: no token → 401 except the `@Public()` routes; another
 * company's token → 404 on every resource of the first company, and its lists show none of them; a user
 * token on the admin routes → 403; bodies over the limits → 413 with a code; the partner's push endpoint
 * refuses bad signatures, stale timestamps and replays. The API runs with a partner (the sandbox,
 * in-process) and a built web app, so that every route exists.
 */
import { createSandbox, type Sandbox } from '@pm/amili-sandbox';
import { testFiles } from '@pm/bank-files';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Api, ORG, address, invoiceBody, pgliteStorage, startApi, until } from './support/api-harness';
import { type Route, exampleOf, jsonBodySchema, nestRoutes, openApiOperations, routeKey } from './support/routes';

const BANKGIRO = '5677-5612';
const WEBHOOK_SECRET = 'push-secret-for-tests';
const BODY_LIMIT = 64 * 1024;
const UPLOAD_LIMIT = 256 * 1024;

/** The routes that need no bearer token, as the application declares them with @Public(). */
const EXPECTED_PUBLIC = [
  'GET /',
  'GET /health',
  'GET /invoices',
  'GET /invoices/*',
  'GET /payments',
  'GET /payments/*',
  'GET /reports',
  'GET /signin',
  'POST /api/partner/notifications',
];

describe('Security of every route', () => {
  let api: Api;
  let sandbox: Sandbox;
  let sandboxUrl: string;
  let document: any;
  let routes: Route[];
  let tokenA: string;
  let tokenB: string;
  /** The first company's resources, by the route parameter that names them. */
  const resourcesOfA: Record<string, string> = {};

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pm-security-'));
    sandbox = await createSandbox({ dataDir: join(dataDir, 'sandbox'), apiKey: 'sandbox-key', tickMs: 600_000 });
    sandboxUrl = await sandbox.listen(0, '127.0.0.1');
    const webDir = join(dataDir, 'web');
    mkdirSync(webDir);
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><div id="root"></div>');
    api = await startApi(pgliteStorage, '2026-11-23T10:00:00.000Z', {
      webDir,
      bodyLimit: BODY_LIMIT,
      uploadLimit: UPLOAD_LIMIT,
      // Only this suite's own notifications reach the partner sync: no polling or reconciliation rounds.
      partner: { url: sandboxUrl, apiKey: 'sandbox-key', portalUrl: `${sandboxUrl}/portal`, webhookSecret: WEBHOOK_SECRET, pollIntervalMs: 600_000, reconcileIntervalMs: 600_000 },
    });
    document = (await api.call('GET', '/api/docs-json')).body;
    routes = nestRoutes(api.app);

    for (const [organisationNumber, bankgiro] of [[ORG.main, BANKGIRO], [ORG.other, undefined]] as const) {
      const created = await api.call('POST', '/api/companies', {
        token: api.adminToken,
        body: { organisationNumber, name: 'Bygg AB', country: 'SE', address: address(), ...(bankgiro ? { bankgiro } : {}) },
      });
      expect(created.status).toBe(201);
      const token = api.userToken(organisationNumber);
      expect((await api.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } })).status).toBe(201);
    }
    tokenA = api.userToken(ORG.main);
    tokenB = api.userToken(ORG.other);

    // The first company's invoice in reminder handling (registered at the partner), and an unmatched bank payment.
    expect((await api.call('PUT', '/api/invoices/SEC-A-1', { token: tokenA, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
    const sent = await api.call('POST', '/api/invoices/SEC-A-1/reminder-case', { token: tokenA });
    expect(sent.status).toBe(201);
    resourcesOfA.invoiceNumber = 'SEC-A-1';
    resourcesOfA.caseId = sent.body.caseId;
    const imported = await api.upload('/api/payments/imports', tokenA, testFiles.camt054(BANKGIRO, [{ reference: 'SEC-BANK-1', amount: '777.00', text: 'okänd', payer: 'Nobody' }]));
    expect(imported.status).toBe(201);
    resourcesOfA.importId = imported.body.importId;
    const queue = await api.call('GET', '/api/payments/unmatched', { token: tokenA });
    resourcesOfA.paymentId = queue.body.items[0].paymentId;
    await until(async () => (await api.call('GET', '/api/invoices/SEC-A-1', { token: tokenA })).body.partnerCaseId);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await sandbox?.close();
  });

  /** A route's path with its parameters filled in with the first company's resources. */
  const concrete = (route: { path: string }) =>
    route.path.replace(/:(\w+)/g, (_, name: string) => {
      if (!(name in resourcesOfA)) throw new Error(`No resource for :${name} in ${route.path}: add one to the suite`);
      return encodeURIComponent(resourcesOfA[name]);
    }).replace('*', 'deep/link');

  /** The documented example body of a route, so the request passes validation and reaches the check under test. */
  const exampleBody = (route: Route) => {
    const operation = openApiOperations(document).find((o) => routeKey(o) === routeKey(route));
    const schema = operation && jsonBodySchema(document, operation.operation);
    return schema ? exampleOf(document, schema) : undefined;
  };

  const companyRoutes = () => routes.filter((r) => !r.public && r.role !== 'admin');
  const isStream = (route: Route) => route.path === '/api/events';

  describe('the enumeration', () => {
    it('finds every route of the application and of its OpenAPI document', () => {
      expect(routes.length).toBeGreaterThan(30);
      const keys = routes.map(routeKey);
      expect(keys).toEqual(
        expect.arrayContaining([
          'GET /api/invoices',
          'PUT /api/invoices/:invoiceNumber',
          'POST /api/invoices/:invoiceNumber/reminder-case',
          'POST /api/invoices/:invoiceNumber/reminder-case/close',
          'GET /api/cases/:caseId/events',
          'POST /api/payments/imports',
          'POST /api/payments/:paymentId/match',
          'GET /api/admin/audit/events',
          'POST /api/admin/projections/rebuild',
          'GET /api/events',
          'GET /metrics',
        ]),
      );
      expect(new Set(keys).size).toBe(keys.length);
      // The document and the router agree: every documented operation exists, and every route is documented
      // except the web app's pages (excluded from the document on purpose).
      const documented = openApiOperations(document).map(routeKey).sort();
      expect(documented.filter((key) => !keys.includes(key))).toEqual([]);
      expect([...new Set(routes.filter((r) => !documented.includes(routeKey(r))).map((r) => r.controller))]).toEqual(['WebAppController']);
      // The document marks exactly the bearer-token routes as such.
      for (const operation of openApiOperations(document)) {
        const route = routes.find((r) => routeKey(r) === routeKey(operation))!;
        expect({ route: routeKey(route), secured: (operation.operation.security ?? []).length > 0 }).toEqual({ route: routeKey(route), secured: !route.public });
      }
    });

    it('the public routes are exactly the health check, the web app pages and the partner push (signed instead)', () => {
      expect(routes.filter((r) => r.public).map(routeKey)).toEqual(EXPECTED_PUBLIC);
    });

    it('every /api/admin route, /metrics and company registration are admin-only', () => {
      const adminOnly = routes.filter((r) => r.role === 'admin').map(routeKey);
      for (const route of routes.filter((r) => r.path.startsWith('/api/admin/'))) expect(adminOnly).toContain(routeKey(route));
      expect(adminOnly).toEqual(expect.arrayContaining(['GET /metrics', 'POST /api/companies', 'GET /api/admin/leases']));
    });
  });

  it('every route but the public ones answers 401 without a token, and with a forged one', async () => {
    const checked: string[] = [];
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.' + 'A'.repeat(43);
    for (const route of routes.filter((r) => !r.public)) {
      const path = concrete(route);
      const body = exampleBody(route);
      for (const token of [undefined, forged]) {
        const response = await api.call(route.method, path, { token, body });
        expect({ route: routeKey(route), token: Boolean(token), status: response.status, code: response.body?.code }).toEqual({
          route: routeKey(route),
          token: Boolean(token),
          status: 401,
          code: token ? 'AUTH.TOKEN_INVALID' : 'AUTH.TOKEN_MISSING',
        });
      }
      checked.push(routeKey(route));
    }
    expect(checked.length).toBe(routes.length - EXPECTED_PUBLIC.length);
    // The live stream's query token is checked too.
    expect((await api.call('GET', `/api/events?access_token=${forged}`)).status).toBe(401);
  });

  it('the public routes answer without a token (the docs too), the push endpoint asks for a signature', async () => {
    for (const route of routes.filter((r) => r.public && r.method === 'GET')) {
      const response = await fetch(api.url + concrete(route));
      expect({ route: routeKey(route), status: response.status }).toEqual({ route: routeKey(route), status: 200 });
    }
    for (const path of ['/api/docs', '/api/docs-json']) expect((await fetch(api.url + path)).status).toBe(200);
    const unsigned = await api.call('POST', '/api/partner/notifications', { body: { event: 'case.updated', case: 'c_1' } });
    expect(unsigned).toMatchObject({ status: 401, body: { code: 'PARTNER.BAD_SIGNATURE' } });
  });

  it("another company's token gets 404 for every resource of the first company, and stores nothing", async () => {
    const before = await api.eventCount();
    const resourceRoutes = companyRoutes().filter((r) => r.path.includes(':'));
    expect(resourceRoutes.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/invoices/:invoiceNumber', '/api/cases/:caseId', '/api/payments/imports/:importId', '/api/payments/:paymentId/match']));
    const refusals: string[] = [];
    for (const route of resourceRoutes) {
      // An upsert names the caller's own invoice: the other company's invoice of that number is a new one of its own (below).
      if (route.method === 'PUT') continue;
      const response = await api.call(route.method, concrete(route), { token: tokenB, body: exampleBody(route) });
      expect({ route: routeKey(route), status: response.status, code: typeof response.body?.code }).toEqual({ route: routeKey(route), status: 404, code: 'string' });
      expect(JSON.stringify(response.body)).not.toContain(resourcesOfA.caseId);
      refusals.push(routeKey(route));
    }
    expect(refusals.length).toBeGreaterThanOrEqual(10);
    expect(await api.eventCount()).toBe(before);

    // The same invoice number under the other company is that company's own invoice; the first one's is untouched.
    const own = await api.call('PUT', '/api/invoices/SEC-A-1', { token: tokenB, body: invoiceBody({ ocr: undefined, totalOre: 999_00, vatOre: 0 }) });
    expect(own.status).toBe(201);
    const original = await api.call('GET', '/api/invoices/SEC-A-1', { token: tokenA });
    expect(original.body).toMatchObject({ totalOre: 125000, caseId: resourcesOfA.caseId });
  });

  it("no list of the other company shows any of the first company's resources", async () => {
    const lists = companyRoutes().filter((r) => r.method === 'GET' && !r.path.includes(':') && !isStream(r));
    expect(lists.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/invoices', '/api/payments/unmatched', '/api/payments/imports', '/api/reports/overview']));
    for (const route of lists) {
      const [ownResponse, otherResponse] = await Promise.all([api.call('GET', route.path, { token: tokenA }), api.call('GET', route.path, { token: tokenB })]);
      expect({ route: routeKey(route), status: otherResponse.status }).toEqual({ route: routeKey(route), status: 200 });
      const text = JSON.stringify(otherResponse.body);
      for (const id of [resourcesOfA.caseId, resourcesOfA.importId, resourcesOfA.paymentId, 'SEC-BANK-1']) expect({ route: routeKey(route), leaks: text.includes(id) }).toEqual({ route: routeKey(route), leaks: false });
      expect(ownResponse.status).toBe(200);
    }
    // The first company does see its own (so the check above could have failed).
    expect(JSON.stringify((await api.call('GET', '/api/payments/unmatched', { token: tokenA })).body)).toContain('SEC-BANK-1');
  });

  it('a user token gets 403 on every admin-only route, storing nothing', async () => {
    const before = await api.eventCount();
    const adminOnly = routes.filter((r) => r.role === 'admin');
    expect(adminOnly.length).toBeGreaterThanOrEqual(7);
    for (const route of adminOnly) {
      const response = await api.call(route.method, concrete(route), { token: tokenA, body: exampleBody(route) });
      expect({ route: routeKey(route), status: response.status, code: response.body?.code }).toEqual({ route: routeKey(route), status: 403, code: 'AUTH.ADMIN_ONLY' });
    }
    expect(await api.eventCount()).toBe(before);
  });

  it('an operator token without a company gets no 5xx from the company routes', async () => {
    for (const route of companyRoutes().filter((r) => !isStream(r))) {
      const response = await api.call(route.method, concrete(route), { token: api.adminToken, body: exampleBody(route) });
      expect({ route: routeKey(route), fiveHundred: response.status >= 500 }).toEqual({ route: routeKey(route), fiveHundred: false });
      if (response.status >= 400) expect(typeof response.body.code).toBe('string');
    }
  });

  it('a body over the limit is 413 with a code on every route that takes a body; an upload over its own limit too', async () => {
    const before = await api.eventCount();
    const withBody = openApiOperations(document).filter((o) => jsonBodySchema(document, o.operation));
    expect(withBody.length).toBeGreaterThanOrEqual(12);
    const huge = JSON.stringify({ reason: 'x'.repeat(BODY_LIMIT + 1) });
    for (const operation of withBody) {
      const route = routes.find((r) => routeKey(r) === routeKey(operation))!;
      const token = route.role === 'admin' ? api.adminToken : tokenA;
      const response = await api.call(route.method, concrete(route), { token, raw: huge });
      expect({ route: routeKey(route), status: response.status, code: response.body?.code }).toEqual({ route: routeKey(route), status: 413, code: 'REQUEST.TOO_LARGE' });
    }
    const push = await api.call('POST', '/api/partner/notifications', { raw: huge });
    expect(push).toMatchObject({ status: 413, body: { code: 'REQUEST.TOO_LARGE' } });
    // A bank file may be far larger than a JSON body, up to the upload limit.
    const bigButAllowed = await api.upload('/api/payments/imports', tokenA, Buffer.alloc(BODY_LIMIT * 2, 'x'));
    expect(bigButAllowed).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.INVALID' } });
    const tooBig = await api.upload('/api/payments/imports', tokenA, Buffer.alloc(UPLOAD_LIMIT + 1, 'x'));
    expect(tooBig).toMatchObject({ status: 413, body: { code: expect.stringMatching(/TOO_LARGE/) } });
    expect(await api.eventCount()).toBe(before);
  });

  describe("the partner's push notifications", () => {
    let partnerCaseId: string;
    const fetchesOfCase = async () => {
      const response = await fetch(`${sandboxUrl}/_sandbox/calls?method=GET&path=${encodeURIComponent(`/cases/${partnerCaseId}`)}`, { headers: { 'x-api-key': 'sandbox-key' } });
      return ((await response.json()) as { total: number }).total;
    };
    const push = (body: string, headers: Record<string, string>) =>
      fetch(`${api.url}/api/partner/notifications`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const signed = (body: string, key: string, timestamp = Math.floor(api.clock.now().getTime() / 1000)) => ({
      'x-webhook-timestamp': String(timestamp),
      'x-idempotency-key': key,
      'x-webhook-signature': signPushNotification(body, WEBHOOK_SECRET, timestamp),
    });

    beforeAll(async () => {
      partnerCaseId = (await api.call('GET', '/api/invoices/SEC-A-1', { token: tokenA })).body.partnerCaseId;
      expect(partnerCaseId).toBeTruthy();
    });

    it('a signed notification is applied: the case is fetched from the partner once', async () => {
      const body = JSON.stringify({ event: 'case.updated', case: partnerCaseId });
      const before = await fetchesOfCase();
      expect(await push(body, signed(body, 'delivery-1'))).toEqual({ status: 200, body: { status: 'applied' } });
      expect(await fetchesOfCase()).toBe(before + 1);
    });

    it('refuses bad signatures, stale or future timestamps and missing headers with 401 PARTNER.BAD_SIGNATURE, doing nothing', async () => {
      const body = JSON.stringify({ event: 'case.updated', case: partnerCaseId });
      const now = Math.floor(api.clock.now().getTime() / 1000);
      const before = await fetchesOfCase();
      const eventsBefore = await api.eventCount();
      const bad: Record<string, string>[] = [
        { ...signed(body, 'bad-1'), 'x-webhook-signature': 'sha256=' + '0'.repeat(64) },
        { ...signed(body, 'bad-2'), 'x-webhook-signature': signPushNotification(body, 'another-secret', now) },
        // Signed over another body, or another timestamp, than the one sent.
        { ...signed(body, 'bad-3'), 'x-webhook-signature': signPushNotification(body.replace('case', 'kase'), WEBHOOK_SECRET, now) },
        { ...signed(body, 'bad-4'), 'x-webhook-timestamp': String(now + 1) },
        signed(body, 'bad-5', now - 301),
        signed(body, 'bad-6', now + 301),
        { 'x-webhook-timestamp': String(now), 'x-idempotency-key': 'bad-7' },
        { 'x-webhook-signature': signPushNotification(body, WEBHOOK_SECRET, now), 'x-idempotency-key': 'bad-8' },
        { ...signed(body, 'bad-9'), 'x-webhook-signature': 'sha1=abc' },
        { ...signed(body, 'bad-10'), 'x-webhook-timestamp': 'yesterday' },
      ];
      for (const headers of bad) expect(await push(body, headers)).toMatchObject({ status: 401, body: { code: 'PARTNER.BAD_SIGNATURE', message: expect.any(String) } });
      // Correctly signed, but not a notification about a case.
      for (const junk of ['[]', '{"event":"case.updated"}', '{"case":42}']) expect((await push(junk, signed(junk, `junk-${junk}`))).status).toBe(401);
      expect(await fetchesOfCase()).toBe(before);
      expect(await api.eventCount()).toBe(eventsBefore);
    });

    it('a replay is acknowledged as a duplicate and does nothing: the same delivery, or the captured notification under a new idempotency key', async () => {
      const body = JSON.stringify({ event: 'case.updated', case: partnerCaseId, _etag: 'replay' });
      const headers = signed(body, 'delivery-replay');
      expect((await push(body, headers)).body).toEqual({ status: 'applied' });
      const before = await fetchesOfCase();
      // The partner delivering again (same key), possibly re-signed at a later second.
      expect(await push(body, headers)).toEqual({ status: 200, body: { status: 'duplicate' } });
      expect(await push(body, signed(body, 'delivery-replay', Number(headers['x-webhook-timestamp']) + 2))).toEqual({ status: 200, body: { status: 'duplicate' } });
      // Someone who captured it sends it again within the window under a key of their own, or with the hex in capitals.
      expect(await push(body, { ...headers, 'x-idempotency-key': 'attacker-1' })).toEqual({ status: 200, body: { status: 'duplicate' } });
      const upper = { ...headers, 'x-idempotency-key': 'attacker-2', 'x-webhook-signature': headers['x-webhook-signature'].replace(/[0-9a-f]{64}$/, (hex) => hex.toUpperCase()) };
      expect(await push(body, upper)).toEqual({ status: 200, body: { status: 'duplicate' } });
      expect(await fetchesOfCase()).toBe(before);
      // After the window, the captured notification is refused outright.
      const now = api.clock.now();
      api.clock.set(new Date(now.getTime() + 301_000));
      try {
        expect(await push(body, { ...headers, 'x-idempotency-key': 'attacker-3' })).toMatchObject({ status: 401, body: { code: 'PARTNER.BAD_SIGNATURE' } });
      } finally {
        api.clock.set(now);
      }
      expect(await fetchesOfCase()).toBe(before);
    });

    it('what it remembers against replays is forgotten once it cannot matter: signatures after the window, keys after seven days', async () => {
      const seen = async () => (await api.storage.sql.query<{ key: string }>('SELECT key FROM sync_push_keys ORDER BY key')).rows.map((r) => r.key);
      const body = JSON.stringify({ event: 'case.updated', case: partnerCaseId, _etag: 'pruning' });
      const first = signed(body, 'delivery-pruning');
      expect((await push(body, first)).body).toEqual({ status: 'applied' });
      const signature = `signature:${first['x-webhook-signature']}`;
      expect(await seen()).toEqual(expect.arrayContaining(['key:delivery-pruning', signature]));
      const start = api.clock.now();
      // Any notification makes the endpoint prune (at most once a minute); this one is about the same case.
      const another = async (key: string) => {
        const other = JSON.stringify({ event: 'case.updated', case: partnerCaseId, _etag: key });
        expect((await push(other, signed(other, key))).body).toEqual({ status: 'applied' });
      };
      try {
        api.clock.set(new Date(start.getTime() + 20 * 60_000));
        await another('delivery-after-20-minutes');
        expect(await seen()).toContain('key:delivery-pruning');
        expect(await seen()).not.toContain(signature);
        // The partner redelivering under its key, re-signed now: still a duplicate.
        expect((await push(body, signed(body, 'delivery-pruning'))).body).toEqual({ status: 'duplicate' });

        api.clock.set(new Date(start.getTime() + 8 * 24 * 3600_000));
        await another('delivery-after-8-days');
        const left = await seen();
        expect(left).not.toContain('key:delivery-pruning');
        expect(left).toContain('key:delivery-after-8-days');
        // Only what the last 7 days brought is left.
        expect(left.filter((key) => key.startsWith('key:'))).toEqual(['key:delivery-after-8-days']);
        // A redelivery that late is applied again: it fetches the case and converges to it, which changes nothing twice.
        const before = await fetchesOfCase();
        const eventsBefore = await api.eventCount();
        expect((await push(body, signed(body, 'delivery-pruning'))).body).toEqual({ status: 'applied' });
        expect(await fetchesOfCase()).toBe(before + 1);
        expect(await api.eventCount()).toBe(eventsBefore);
      } finally {
        api.clock.set(start);
      }
    });
  });
});

/** The partner's signature (README: HMAC-SHA256 over `<timestamp>.<body>`), computed here independently of the adapter. */
function signPushNotification(body: string, secret: string, timestamp: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

