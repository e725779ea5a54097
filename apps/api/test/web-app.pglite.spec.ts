/** The built web app, served by the API: its pages on the app's own paths, its hashed assets cached for good. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Api, pgliteStorage, startApi } from './support/api-harness';

describe('The web app served by the API', () => {
  const webDir = mkdtempSync(join(tmpdir(), 'pm-web-'));
  let api: Api;
  beforeAll(async () => {
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Påminnelser</title><div id="root"></div>');
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log(1)');
    api = await startApi(pgliteStorage, undefined, { webDir });
  });
  afterAll(async () => api?.close());

  it.each(['/', '/invoices', '/invoices/1001', '/payments', '/reports', '/signin'])('GET %s answers the app without a token', async (path) => {
    const response = await fetch(api.url + path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<div id="root">');
  });

  it('serves hashed assets with a long cache, and keeps the API answering JSON', async () => {
    const asset = await fetch(`${api.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${api.url}/assets/missing.js`)).status).toBe(404);
    const unknown = await api.call('GET', '/api/nothing-here');
    expect(unknown).toMatchObject({ status: 404, body: { code: expect.any(String) } });
    expect((await api.call('GET', '/api/invoices')).status).toBe(401);
  });
});
