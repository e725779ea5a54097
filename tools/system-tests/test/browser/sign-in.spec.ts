/**
 * Signing in to the web app served by the API: the token in the URL fragment is kept for the session and
 * removed from the address bar; without one the app explains how to sign in.
 */
import { loginUrl } from '@pm/api';
import { type Browser } from 'playwright-core';
import { type System, startSystem } from '../support/processes';
import { describeInBrowser, launchChromium, screenshot } from './support/browser';

const ORG = '556036-0793';

describeInBrowser('Signing in to the web app', () => {
  let system: System;
  let browser: Browser;
  beforeAll(async () => {
    system = await startSystem();
    browser = await launchChromium();
    const created = await system.call('POST', '/api/companies', system.adminToken, {
      organisationNumber: ORG,
      name: 'Bygg AB',
      country: 'SE',
      address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('without a token shows how to sign in', async () => {
    const page = await browser.newPage();
    await page.goto(system.api.url + '/invoices');
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    expect(await page.getByText('pnpm admin login-url').count()).toBe(1);
    await screenshot(page, '00-sign-in');
    await page.close();
  });

  it('a login URL signs in, keeps the token for the session and removes it from the address bar', async () => {
    const page = await browser.newPage();
    await page.goto(loginUrl(system.api.url, system.userToken(ORG)));
    await page.getByRole('navigation', { name: 'Huvudmeny' }).waitFor();
    expect(page.url()).toBe(`${system.api.url}/`);
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('pm.token'))).toBeTruthy();
    await page.getByText('Bygg AB').first().waitFor();
    // A reload keeps the session; a deep link opens its screen.
    await page.goto(`${system.api.url}/reports`);
    await page.getByRole('link', { name: 'Rapporter' }).and(page.locator('[aria-current="page"]')).waitFor();
    await page.close();
  });
});
