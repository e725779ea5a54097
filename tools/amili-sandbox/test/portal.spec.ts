import { call, createCreditor, registerCase, startSandbox, type Harness } from './helpers';

describe('portal', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startSandbox();
  });
  afterEach(() => h.dispose());

  it('renders the overview and a case in Swedish, escaping everything that came from a request', async () => {
    const creditor = await createCreditor(h, { name: 'Bygg & Betong <AB>' });
    const id = await registerCase(h, creditor, { name: '<script>alert("x")</script>', invoiceNumber: '<b>1001</b>', capital: 1250.5 });
    await h.call('POST', '/creditor--cancellations', { case: id, origin: 'creditor_system', reason: '"><img src=x onerror=alert(1)>' });

    const overview = await call(h.url, 'GET', '/portal');
    expect(overview.status).toBe(200);
    expect(overview.headers.get('content-type')).toMatch(/^text\/html/);
    expect(overview.text).toContain('<h1>Ärenden</h1>');
    expect(overview.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(overview.text).toContain('Bygg &amp; Betong &lt;AB&gt;');
    expect(overview.text).not.toContain('<script>');
    expect(overview.text).toContain(`/portal/cases/${id}`);

    const page = await call(h.url, 'GET', `/portal/cases/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Faktura &lt;b&gt;1001&lt;/b&gt;');
    expect(page.text).not.toContain('<b>1001</b>');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('Återkallat');
    expect(page.text).toContain('Påminnelse skickad');
    expect(page.text).toContain('1\u00a0250,50\u00a0kr');
    expect(page.text).toContain('Påminnelseavgift');
  });

  it('answers an unknown case with a 404 page', async () => {
    const res = await call(h.url, 'GET', '/portal/cases/c_missing');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Ärendet finns inte');
  });
});
