import { exportOpenApiDocument } from '../src/app';
import { signToken } from '../src/shared/auth/tokens';
import { type Api, ORG, address, companyWithUser, pgliteStorage, startApi } from './support/api-harness';

describe('Authentication, roles and company registration', () => {
  let api: Api;
  let token: string;
  beforeAll(async () => {
    api = await startApi(pgliteStorage);
    token = await companyWithUser(api, ORG.main);
  });
  afterAll(async () => api?.close());

  it('answers /health and the OpenAPI document without a token', async () => {
    expect(await api.call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok', store: 'pglite' } });
    const docs = await api.call('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/invoices/{invoiceNumber}/reminder-case', '/api/cases/{caseId}/events', '/api/activation', '/api/events']),
    );
    // The bank connection's public contract.
    const paths = docs.body.paths;
    expect(paths['/api/payments/imports'].post.requestBody.content['multipart/form-data'].schema.required).toEqual(['file']);
    expect(Object.keys(paths['/api/payments/imports'].post.responses)).toEqual(expect.arrayContaining(['201', '422']));
    expect(docs.body.components.schemas.ImportReportDto.required).toEqual(
      expect.arrayContaining(['importId', 'format', 'payments', 'matched', 'partlyMatched', 'unmatched', 'duplicates']),
    );
    for (const path of ['/api/payments/unmatched', '/api/payments/{paymentId}/match', '/api/payments/{paymentId}/dismiss', '/api/payments/payouts', '/api/accounting/sie'])
      expect(paths[path]).toBeDefined();
    expect(docs.body.components.schemas.RegisterCompanyDto.properties.bankgiro).toBeDefined();
    // The document the web client is generated from (no database) is the one the API serves, plus the partner's push route.
    const exported = JSON.parse(JSON.stringify(await exportOpenApiDocument({ ...api.config, partner: undefined })));
    expect(exported).toEqual(docs.body);
  });

  it.each([
    ['GET', '/api/company'],
    ['GET', '/api/activation'],
    ['POST', '/api/activation'],
    ['POST', '/api/companies'],
    ['GET', '/api/invoices'],
    ['GET', '/api/invoices/1'],
    ['PUT', '/api/invoices/1'],
    ['POST', '/api/invoices/1/reminder-case'],
    ['POST', '/api/invoices/1/reminder-case/close'],
    ['POST', '/api/invoices/1/credit'],
    ['POST', '/api/invoices/1/payments'],
    ['GET', '/api/cases/00000000-0000-4000-8000-000000000000'],
    ['GET', '/api/cases/00000000-0000-4000-8000-000000000000/events'],
    ['GET', '/api/events'],
    ['GET', '/metrics'],
    ['POST', '/api/payments/imports'],
    ['GET', '/api/payments/imports'],
    ['GET', '/api/payments/imports/00000000-0000-4000-8000-000000000000'],
    ['GET', '/api/payments/unmatched'],
    ['POST', '/api/payments/00000000-0000-4000-8000-000000000000/match'],
    ['POST', '/api/payments/00000000-0000-4000-8000-000000000000/dismiss'],
    ['GET', '/api/payments/payouts'],
    ['GET', '/api/accounting/sie'],
  ])('%s %s needs a token: 401', async (method, path) => {
    const response = await api.call(method, path, { body: method === 'GET' ? undefined : {} });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('AUTH.TOKEN_MISSING');
  });

  it('refuses a forged or expired token', async () => {
    const forged = signToken('another-secret', { sub: 'x', role: 'admin' });
    expect((await api.call('GET', '/api/invoices', { token: forged })).body.code).toBe('AUTH.TOKEN_INVALID');
    const expired = signToken(api.config.jwtSecret, { sub: 'x', role: 'user', company: 'c' }, -10);
    expect((await api.call('GET', '/api/invoices', { token: expired })).status).toBe(401);
  });

  it('lets only an admin register companies and read metrics', async () => {
    const asUser = await api.call('POST', '/api/companies', { token, body: { organisationNumber: '556677-8899', name: 'X', country: 'SE', address: address() } });
    expect(asUser).toMatchObject({ status: 403, body: { code: 'AUTH.ADMIN_ONLY' } });
    expect((await api.call('GET', '/metrics', { token })).status).toBe(403);
    const metrics = await api.call('GET', '/metrics', { token: api.adminToken });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('pm_projection_checkpoint_age_seconds');
  });

  it('refuses a company outside Sweden, an invalid organisationsnummer and a second registration, storing nothing', async () => {
    const before = await api.eventCount();
    const register = (body: Record<string, unknown>) =>
      api.call('POST', '/api/companies', { token: api.adminToken, body: { name: 'Firma', country: 'SE', address: address(), ...body } });
    expect((await register({ organisationNumber: '556036-0794' })).body).toMatchObject({ code: 'COMPANY.INVALID_ORGANISATION_NUMBER' });
    expect(await register({ organisationNumber: '556036-0794' })).toMatchObject({ status: 422 });
    expect(await register({ organisationNumber: '998877-6655', country: 'NO', address: address('NO') })).toMatchObject({
      status: 422,
      body: { code: 'COMPANY.NOT_SWEDISH' },
    });
    expect(await register({ organisationNumber: '5560360793' })).toMatchObject({ status: 409, body: { code: 'COMPANY.ALREADY_REGISTERED' } });
    expect(await register({ organisationNumber: 'abc' })).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(await api.eventCount()).toBe(before);
  });

  it("keeps the company's bankgiro number, check digit verified, and refuses a wrong one storing nothing", async () => {
    const before = await api.eventCount();
    const body = (bankgiro: string) => ({ organisationNumber: '559123-4561', name: 'Giro AB', country: 'SE', address: address(), bankgiro });
    expect(await api.call('POST', '/api/companies', { token: api.adminToken, body: body('5677-5613') })).toMatchObject({ status: 422, body: { code: 'COMPANY.INVALID_BANKGIRO' } });
    expect(await api.call('POST', '/api/companies', { token: api.adminToken, body: body('56-775612') })).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(await api.eventCount()).toBe(before);
    expect((await api.call('POST', '/api/companies', { token: api.adminToken, body: body('56775612') })).status).toBe(201);
    expect((await api.call('GET', '/api/company', { token: api.userToken('559123-4561') })).body.bankgiro).toBe('5677-5612');
    expect((await api.call('GET', '/api/company', { token })).body.bankgiro).toBeNull();
  });

  it('a company from the legacy service must activate before sending', async () => {
    const created = await api.call('POST', '/api/companies', {
      token: api.adminToken,
      body: { organisationNumber: '556677-8899', name: 'Gamla Firman AB', country: 'SE', address: address(), fromLegacyService: true },
    });
    expect(created.status).toBe(201);
    const legacy = api.userToken('556677-8899');
    expect((await api.call('GET', '/api/activation', { token: legacy })).body).toMatchObject({ active: false, activationNeeded: 'legacy_service' });
  });

  it('deactivation stops sending until the company activates again', async () => {
    const off = await api.call('DELETE', '/api/activation', { token, body: { reason: 'Tar en paus' } });
    expect(off.body).toMatchObject({ active: false, activationNeeded: 'deactivated' });
    const on = await api.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } });
    expect(on.body.active).toBe(true);
  });

  it('a token for a company that is not registered sees nothing', async () => {
    const stranger = api.userToken('202100-6255');
    expect(await api.call('GET', '/api/company', { token: stranger })).toMatchObject({ status: 404, body: { code: 'COMPANY.NOT_FOUND' } });
    expect((await api.call('GET', '/api/invoices', { token: stranger })).body.total).toBe(0);
  });

  it('an admin token without a company cannot act on company data', async () => {
    expect(await api.call('GET', '/api/invoices', { token: api.adminToken })).toMatchObject({ status: 403, body: { code: 'AUTH.COMPANY_REQUIRED' } });
  });

  it('refuses an oversized body with 413', async () => {
    const response = await api.call('PUT', '/api/invoices/1', { token, raw: JSON.stringify({ pad: 'x'.repeat(70_000) }) });
    expect(response).toMatchObject({ status: 413, body: { code: 'REQUEST.TOO_LARGE' } });
  });
});
