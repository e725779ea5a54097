import { screen, within } from '@testing-library/react';
import { type Schemas } from '../../src/api/client';
import { ReportsPage } from '../../src/features/reports/ReportsPage';
import { niceStep, ticksFor, wrapLabel } from '../../src/features/reports/charts';
import { renderWithApp } from '../support/render';

const months = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];
const figures: Record<string, Partial<Schemas['CollectedMonthDto']>> = {
  '2026-09': { bankOre: 100_000, manualOre: 20_000, duringCaseOre: 30_000, totalOre: 120_000 },
  '2026-10': { bankOre: 250_000, partnerOre: 151_234, duringCaseOre: 151_234, totalOre: 401_234 },
  '2026-11': { bankOre: 50_000, totalOre: 50_000 },
};

const OVERVIEW: Schemas['ReportOverviewDto'] = {
  asOf: '2026-11-23',
  ageing: [
    { bucket: 'not_due', invoices: 4, remainingOre: 500_000 },
    { bucket: 'overdue_1_30', invoices: 3, remainingOre: 1_200_000 },
    { bucket: 'overdue_31_60', invoices: 2, remainingOre: 300_000 },
    { bucket: 'overdue_61_90', invoices: 1, remainingOre: 100_000 },
    { bucket: 'overdue_91_plus', invoices: 2, remainingOre: 450_000 },
  ],
  casesByStatus: [
    { status: 'debt_collection', cases: 2 },
    { status: 'paid', cases: 5 },
    { status: 'reminder_sent', cases: 3 },
    { status: 'something_new', cases: 1 },
  ],
  collected: months.map((month) => ({ month, bankOre: 0, manualOre: 0, partnerOre: 0, duringCaseOre: 0, totalOre: 0, ...figures[month] })),
};

const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
const rowsOf = (table: HTMLElement) => within(table).getAllByRole('row').map((row) => [...row.querySelectorAll('th, td')].map((cell) => plain(cell.textContent)));

describe('The reports page', () => {
  it('draws each chart with a spoken summary and its figures in a table (Swedish)', async () => {
    renderWithApp(<ReportsPage />, { 'GET /api/reports/overview': { body: OVERVIEW } });
    expect(await screen.findByRole('heading', { level: 1, name: 'Rapporter' })).toBeInTheDocument();
    expect(await screen.findByText('Läget den 2026-11-23.')).toBeInTheDocument();

    const ageing = screen.getByRole('img', { name: /^Obetalda fakturor efter ålder/ });
    expect(plain(ageing.getAttribute('aria-label'))).toBe(
      'Obetalda fakturor efter ålder: 12 fakturor med 25 500,00 kr kvar att betala. Mest pengar finns i gruppen 1–30 dagar sena: 12 000,00 kr.',
    );
    expect(ageing.tagName.toLowerCase()).toBe('svg');
    expect(within(ageing as unknown as HTMLElement).getAllByText(/dagar sena|förfallna/).length).toBeGreaterThan(0);
    expect(rowsOf(screen.getByRole('table', { name: 'Obetalda fakturor efter ålder' }))).toEqual([
      ['Ålder', 'Fakturor', 'Kvar att betala'],
      ['Inte förfallna', '4', '5 000,00 kr'],
      ['1–30 dagar sena', '3', '12 000,00 kr'],
      ['31–60 dagar sena', '2', '3 000,00 kr'],
      ['61–90 dagar sena', '1', '1 000,00 kr'],
      ['Mer än 90 dagar sena', '2', '4 500,00 kr'],
      ['Totalt', '12', '25 500,00 kr'],
    ]);

    const cases = screen.getByRole('img', { name: /^Ärenden per status/ });
    expect(plain(cases.getAttribute('aria-label'))).toBe('Ärenden per status: 11 ärenden totalt. Flest har status Betalt (5).');
    expect(rowsOf(screen.getByRole('table', { name: 'Ärenden per status' }))).toEqual([
      ['Status', 'Ärenden'],
      ['Inkassokrav', '2'],
      ['Betalt', '5'],
      ['Påminnelse skickad', '3'],
      ['something_new', '1'],
      ['Totalt', '11'],
    ]);

    const collected = screen.getByRole('img', { name: /^Inbetalt per månad/ });
    expect(plain(collected.getAttribute('aria-label'))).toBe(
      'Inbetalt per månad från december 2025 till november 2026: totalt 5 712,34 kr, varav 1 812,34 kr under pågående ärende. Mest kom in i oktober 2026: 4 012,34 kr.',
    );
    const table = rowsOf(screen.getByRole('table', { name: 'Inbetalt per månad' }));
    expect(table[0]).toEqual(['Månad', 'Via banken', 'Registrerat för hand', 'Via inkassopartnern', 'Under pågående ärende', 'Totalt']);
    expect(table).toHaveLength(14);
    expect(table[1][0]).toBe('december 2025');
    expect(table[11]).toEqual(['oktober 2026', '2 500,00 kr', '0,00 kr', '1 512,34 kr', '1 512,34 kr', '4 012,34 kr']);
    expect(table[13]).toEqual(['Totalt', '4 000,00 kr', '200,00 kr', '1 512,34 kr', '1 812,34 kr', '5 712,34 kr']);
    expect(screen.getByRole('list', { name: 'Förklaring' })).toHaveTextContent('Via bankenRegistrerat för handVia inkassopartnernUnder pågående ärende');

    // The value axis has round money ticks, and bars and dots are drawn only for months with money.
    const svg = screen.getByTestId('chart-collected');
    expect(svg.querySelectorAll('rect')).toHaveLength(5);
    expect(svg.querySelectorAll('circle')).toHaveLength(2);
    expect([...svg.querySelectorAll('text')].map((t) => plain(t.textContent))).toEqual(expect.arrayContaining(['0,00 kr', '2 000,00 kr', '6 000,00 kr', 'dec.', '2025', '2026']));
    for (const element of document.querySelectorAll('svg *')) for (const attribute of element.getAttributeNames()) expect(element.getAttribute(attribute)).not.toMatch(/NaN|Infinity/);
  });

  it('speaks and labels everything in English too', async () => {
    renderWithApp(<ReportsPage />, { 'GET /api/reports/overview': { body: OVERVIEW } }, { language: 'en' });
    const ageing = await screen.findByRole('img', { name: /^Unpaid invoices by age/ });
    expect(ageing.getAttribute('aria-label')).toBe('Unpaid invoices by age: 12 invoices with SEK 25,500.00 left to pay. Most money is in the group 1–30 days late: SEK 12,000.00.');
    expect(screen.getByRole('img', { name: /^Cases by status/ })).toHaveAttribute('aria-label', 'Cases by status: 11 cases in all. Most have the status Paid (5).');
    expect(screen.getByRole('img', { name: /^Collected per month/ })).toHaveAttribute(
      'aria-label',
      'Collected per month from December 2025 to November 2026: SEK 5,712.34 in all, of which SEK 1,812.34 while a case ran. Most came in October 2026: SEK 4,012.34.',
    );
    expect(rowsOf(screen.getByRole('table', { name: 'Unpaid invoices by age' }))[1]).toEqual(['Not yet due', '4', 'SEK 5,000.00']);
    expect(rowsOf(screen.getByRole('table', { name: 'Cases by status' }))[3]).toEqual(['Reminder sent', '3']);
    expect(rowsOf(screen.getByRole('table', { name: 'Collected per month' }))[12]).toEqual(['November 2026', 'SEK 500.00', 'SEK 0.00', 'SEK 0.00', 'SEK 0.00', 'SEK 500.00']);
    expect(screen.getByText('As of 23 Nov 2026.')).toBeInTheDocument();
  });

  it('says plainly when there is nothing yet', async () => {
    const empty: Schemas['ReportOverviewDto'] = {
      asOf: '2026-11-23',
      ageing: OVERVIEW.ageing.map((b) => ({ ...b, invoices: 0, remainingOre: 0 })),
      casesByStatus: [],
      collected: months.map((month) => ({ month, bankOre: 0, manualOre: 0, partnerOre: 0, duringCaseOre: 0, totalOre: 0 })),
    };
    renderWithApp(<ReportsPage />, { 'GET /api/reports/overview': { body: empty } });
    expect(await screen.findByRole('img', { name: 'Obetalda fakturor efter ålder: det finns inga obetalda fakturor.' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Ärenden per status: inga ärenden ännu.' })).toHaveTextContent('Inga fakturor har skickats till påminnelsehantering ännu.');
    expect(screen.getByRole('img', { name: 'Inbetalt per månad från december 2025 till november 2026: ingenting har kommit in.' })).toBeInTheDocument();
    for (const element of document.querySelectorAll('svg *')) for (const attribute of element.getAttributeNames()) expect(element.getAttribute(attribute)).not.toMatch(/NaN|Infinity/);
  });

  it('shows a failure as its message with a retry', async () => {
    renderWithApp(<ReportsPage />, { 'GET /api/reports/overview': { status: 500, body: { code: 'INTERNAL', message: 'Something went wrong on our side.' } } });
    expect(await screen.findByText('Something went wrong on our side.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Försök igen' })).toBeInTheDocument();
    expect(screen.queryByText('INTERNAL')).toBeNull();
  });
});

describe('Chart arithmetic', () => {
  it('finds round steps in whole units', () => {
    expect(niceStep(401_234, 4, 100)).toBe(200_000);
    expect(niceStep(0, 4, 100)).toBe(100);
    expect(niceStep(5, 4, 1)).toBe(2);
    expect(niceStep(1_234_567_800, 3, 100)).toBe(500_000_000);
    expect(ticksFor(401_234, 200_000)).toEqual([0, 200_000, 400_000, 600_000]);
    expect(ticksFor(0, 100)).toEqual([0, 100]);
  });
  it('wraps long labels onto two lines', () => {
    expect(wrapLabel('Påminnelse skickad', 30)).toEqual(['Påminnelse skickad']);
    expect(wrapLabel('Registrerat hos partnern', 14)).toEqual(['Registrerat', 'hos partnern']);
    expect(wrapLabel('With Kronofogden (enforcement)', 10)).toEqual(['With', 'Kronofogd…']);
  });
});
