/**
 * The web app the whole way, in Debian's Chromium against the real API and partner sandbox (separate
 * processes, embedded store): activate on the first send, send, watch the status change live as the
 * partner moves the case, the dispute, close the case, upload a camt.054 and see the invoice paid,
 * switch language, and a narrow screen. Every main screen passes axe-core's WCAG 2 A/AA rules (contrast,
 * labels, roles) without a serious violation; screenshots of them go to artifacts/screenshots/.
 */
import { loginUrl } from '@pm/api';
import { testFiles } from '@pm/bank-files';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { type System, invoice, startSystem, until } from '../support/processes';
import { accessibilityProblems, describeInBrowser, launchChromium, screenshot } from './support/browser';

const ORG = '556036-0793';
const BANKGIRO = '5677-5612';
const OCR_9002 = testFiles.makeOcr('9002');

describeInBrowser('The web app, the whole way', () => {
  let system: System;
  let browser: Browser;
  let page: Page;
  let token: string;

  const row = (invoiceNumber: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name: invoiceNumber, exact: true }) });
  /** Waits until the row shows the status, without reloading the page: the change arrives live. */
  const rowShows = async (invoiceNumber: string, status: string, timeoutMs = 30_000) =>
    row(invoiceNumber).getByText(status, { exact: true }).waitFor({ timeout: timeoutMs });

  beforeAll(async () => {
    system = await startSystem();
    browser = await launchChromium();
    const created = await system.call('POST', '/api/companies', system.adminToken, {
      organisationNumber: ORG,
      name: 'Bygg & Montage AB',
      country: 'SE',
      bankgiro: BANKGIRO,
      address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' },
    });
    expect(created.status).toBe(201);
    token = system.userToken(ORG);
    for (const [n, extra] of [
      ['9001', {}],
      ['9002', { ocr: OCR_9002, totalOre: 48_000, vatOre: 9_600 }],
      ['9003', { dueDate: '2027-01-31' }],
    ] as const)
      expect((await system.call('PUT', `/api/invoices/${n}`, token, invoice(n, extra))).status).toBe(201);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => console.warn('[browser] page error:', error.message));
    await page.goto(loginUrl(system.api.url, token));
    await row('9001').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('activates on the first send, sends, and follows the case live: reminder, debt collection, dispute', async () => {
    await rowShows('9001', 'Förfallen');
    await rowShows('9003', 'Ej förfallen');
    await screenshot(page, '01-invoice-list');
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.getByRole('button', { name: 'Åtgärder för faktura 9001' }).click();
    await page.getByRole('menuitem', { name: 'Skicka till påminnelsehantering' }).click();
    const guide = page.getByRole('dialog', { name: 'Kom igång med påminnelsehantering' });
    await guide.waitFor();
    for (let step = 0; step < 3 && !(await guide.getByRole('checkbox').isVisible()); step++) await guide.getByRole('button', { name: 'Nästa' }).click();
    await guide.getByRole('checkbox', { name: /Jag har läst och godkänner villkoren \(version 2026-1\)/ }).check();
    await screenshot(page, '02-activation-guide');
    expect(await accessibilityProblems(page)).toEqual([]);
    await guide.getByRole('button', { name: 'Aktivera och fortsätt' }).click();

    const confirm = page.getByRole('dialog', { name: 'Skicka faktura 9001 till påminnelsehantering' });
    await confirm.waitFor();
    await confirm.getByTestId('send-claim').waitFor();
    expect(await confirm.getByTestId('send-claim').textContent()).toContain('1\u00a0250,00 kr');
    await screenshot(page, '03-send-confirmation');
    expect(await accessibilityProblems(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Bekräfta och skicka' }).click();
    await confirm.waitFor({ state: 'detached' });

    // The sandbox registers the case and sends the reminder on its own clock; the row follows.
    await rowShows('9001', 'Påminnelse skickad');
    const partnerCaseId = await until('the partner case', async () => (await system.call('GET', '/api/invoices/9001', token)).body.partnerCaseId);
    await system.partner('POST', '/_sandbox/clock/advance', { days: 13 });
    await rowShows('9001', 'Inkasso');
    await system.partner('POST', `/_sandbox/cases/${partnerCaseId}/dispute`);
    await rowShows('9001', 'Bestriden');
  });

  it('shows the invoice and its case with the timeline, and closes the case', async () => {
    await row('9001').getByRole('link', { name: '9001', exact: true }).click();
    await page.getByRole('heading', { name: 'Faktura 9001' }).waitFor();
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    // Every case event, the partner's steps included, with who and when; the next planned step on top.
    await until('the dispute in the timeline', async () => /bestridit/i.test((await timeline.textContent()) ?? ''));
    const text = (await timeline.textContent()) ?? '';
    for (const step of [/Skickad till påminnelsehantering/, /Registrerad hos inkassopartnern/, /Påminnelse skickad/, /Inkassokrav skickat/, /Av inkassopartnern/, /Av användare/])
      expect(text).toMatch(step);
    await screenshot(page, '04-invoice-and-case');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Avsluta ärende' }).click();
    const dialog = page.getByRole('dialog', { name: 'Avsluta ärendet för faktura 9001' });
    await dialog.getByLabel('Anledning').fill('Kunden har betalat till oss direkt');
    await dialog.getByRole('button', { name: 'Avsluta ärendet' }).click();
    await until('the case closed', async () => (await system.call('GET', '/api/invoices/9001', token)).body.status === 'closed');
    await page.getByText('Avslutad', { exact: true }).first().waitFor();
    // The partner is told: its case ends as cancelled.
    const partnerCaseId = (await system.call('GET', '/api/invoices/9001', token)).body.partnerCaseId;
    await until('the partner case cancelled', async () => (await system.partner('GET', `/cases/${partnerCaseId}`)).body.status === 'cancelled');
  });

  it('a camt.054 uploaded on the payments page pays the invoice in reminder handling', async () => {
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Fakturor' }).click();
    await page.getByRole('button', { name: 'Åtgärder för faktura 9002' }).click();
    await page.getByRole('menuitem', { name: 'Skicka till påminnelsehantering' }).click();
    const confirm = page.getByRole('dialog', { name: 'Skicka faktura 9002 till påminnelsehantering' });
    await confirm.getByRole('button', { name: 'Bekräfta och skicka' }).click();
    await rowShows('9002', 'Påminnelse skickad');

    const file = join(system.dataDir, 'camt054-9002.xml');
    writeFileSync(file, testFiles.camt054(BANKGIRO, [{ reference: 'WEB-9002', amount: '480.00', ocr: OCR_9002, payer: 'Kund 9002', bookingDate: '2026-11-30' }]));
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Betalningar' }).click();
    await page.getByLabel('Bankfil (camt.054 eller BgMax)').setInputFiles(file);
    await page.getByRole('button', { name: 'Läs in filen' }).click();
    const report = page.getByTestId('import-report');
    await report.waitFor();
    await until('the report', async () => /1/.test((await report.textContent()) ?? ''));
    await screenshot(page, '05-payments');
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Fakturor' }).click();
    await rowShows('9002', 'Betald');
    const partnerCaseId = (await system.call('GET', '/api/invoices/9002', token)).body.partnerCaseId;
    await until('the partner case paid', async () => (await system.partner('GET', `/cases/${partnerCaseId}`)).body.closed === true);
  });

  it('shows the reports, switches to English, and fits a 360 px screen', async () => {
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Rapporter' }).click();
    await page.getByTestId('chart-ageing').waitFor();
    await screenshot(page, '06-reports');
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Fakturor' }).click();
    await page.getByLabel('Språk').selectOption('en');
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Invoices' }).waitFor();
    await rowShows('9002', 'Paid');
    await rowShows('9001', 'Closed');
    await screenshot(page, '07-invoice-list-english');
    expect(await accessibilityProblems(page)).toEqual([]);

    const narrow = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await narrow.goto(loginUrl(system.api.url, token));
    await narrow.getByRole('link', { name: '9002', exact: true }).waitFor();
    // The page itself does not scroll sideways at 360 px (a wide table scrolls inside its own box).
    expect(await narrow.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await screenshot(narrow, '08-invoice-list-360px');
    expect(await accessibilityProblems(narrow)).toEqual([]);
    await narrow.close();
  });
});
