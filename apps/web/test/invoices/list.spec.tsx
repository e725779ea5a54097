import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { InvoiceListPage } from '../../src/features/invoices/InvoiceListPage';
import { INVOICE_STATUSES } from '../../src/features/invoices/model';
import { StatusChip } from '../../src/features/invoices/StatusChip';
import { I18nProvider } from '../../src/i18n/i18n';
import { renderWithApp } from '../support/render';
import { invoice, page } from './fixtures';

const listRequests = (requests: ReturnType<typeof renderWithApp>['requests']) => requests.filter((r) => r.method === 'GET' && r.path === '/api/invoices');
const lastQuery = (requests: ReturnType<typeof renderWithApp>['requests']) => Object.fromEntries(listRequests(requests).at(-1)!.query);

const ROWS = [
  invoice('1001', { status: 'reminder_sent', sentAt: '2026-11-02T09:30:00Z', claimOre: 125_000, caseId: 'c1', allowedActions: ['close_case'] }),
  invoice('1002', { status: 'debt_collection', customer: { ...invoice('x').customer, name: 'Erik Johansson' }, totalOre: 890_000, claimOre: 890_000 }),
  invoice('1003', { status: 'disputed', customer: { ...invoice('x').customer, name: 'Maja Nilsson' } }),
];

describe('The invoice list', () => {
  beforeEach(() => window.history.replaceState(null, '', '/invoices'));

  it('shows each invoice with its link, customer, dates, amounts, status and date sent', async () => {
    renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page(ROWS, 3) } });
    const link = await screen.findByRole('link', { name: '1001' });
    expect(link).toHaveAttribute('href', '/invoices/1001');
    const row = link.closest('tr')!;
    expect(within(row).getByText('Anna Lindqvist')).toBeInTheDocument();
    expect(within(row).getByText('2026-09-01')).toBeInTheDocument();
    expect(within(row).getByText('2026-10-01')).toBeInTheDocument();
    expect(within(row).getAllByText('1 250,00 kr')).toHaveLength(2);
    expect(within(row).getByText('Påminnelse skickad')).toHaveClass('chip', 'chip--info');
    expect(within(row).getByText('2026-11-02')).toBeInTheDocument();
    expect(within(screen.getByRole('link', { name: '1002' }).closest('tr')!).getByText('Inkasso')).toBeInTheDocument();
    expect(within(screen.getByRole('link', { name: '1003' }).closest('tr')!).getByText('Bestriden')).toHaveClass('chip--bad');
    expect(screen.getByText('3 fakturor')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Se alla ärenden i inkassopartnerns portal/ })).toHaveAttribute('href', 'http://partner.test/portal');
  });

  it('labels the status chips in English too', async () => {
    renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page(ROWS, 3) } }, { language: 'en' });
    const table = within(await screen.findByRole('table'));
    expect(table.getByText('Reminder sent')).toHaveClass('chip');
    expect(table.getByText('Debt collection')).toHaveClass('chip');
    expect(table.getByText('Disputed')).toHaveClass('chip');
    expect(table.getByRole('button', { name: 'Remaining claim' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Actions for invoice 1001' })).toBeInTheDocument();
    expect(screen.getByText('3 invoices')).toBeInTheDocument();
  });

  it('has a label in both languages and a colour for every status', () => {
    for (const language of ['sv', 'en'] as const) {
      const { container, unmount } = render(
        <I18nProvider language={language}>
          {INVOICE_STATUSES.map((status) => (
            <StatusChip key={status} status={status} />
          ))}
        </I18nProvider>,
      );
      const chips = [...container.querySelectorAll('.chip')];
      expect(chips).toHaveLength(17);
      const labels = chips.map((chip) => chip.textContent ?? '');
      expect(new Set(labels).size).toBe(17);
      for (const chip of chips) {
        expect(chip.textContent).not.toMatch(/_|status\./);
        expect(chip.className).toMatch(/chip--(ok|warn|bad|info|muted)/);
      }
      unmount();
    }
  });

  it('sorts by a column header, then the other way, and says so with aria-sort', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page(ROWS, 3) } });
    await screen.findByRole('link', { name: '1001' });
    expect(lastQuery(requests)).toMatchObject({ sort: 'dueDate', order: 'asc', page: '1', pageSize: '50' });
    expect(screen.getByRole('columnheader', { name: /Förfallodatum/ })).toHaveAttribute('aria-sort', 'ascending');
    await user.click(screen.getByRole('button', { name: 'Kund' }));
    await waitFor(() => expect(lastQuery(requests)).toMatchObject({ sort: 'customer', order: 'asc' }));
    expect(screen.getByRole('columnheader', { name: /Kund/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByRole('columnheader', { name: /Förfallodatum/ })).toHaveAttribute('aria-sort', 'none');
    await user.click(screen.getByRole('button', { name: 'Kund' }));
    await waitFor(() => expect(lastQuery(requests)).toMatchObject({ sort: 'customer', order: 'desc' }));
    expect(screen.getByRole('columnheader', { name: /Kund/ })).toHaveAttribute('aria-sort', 'descending');
    expect(window.location.search).toBe('?sort=customer&order=desc');
  });

  it('filters by status and overdue, comma-separated, back on page 1, and keeps the filters in the URL', async () => {
    const user = userEvent.setup();
    window.history.replaceState(null, '', '/invoices?page=3');
    const { requests } = renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page(ROWS, 300, 3) } });
    await screen.findByRole('link', { name: '1001' });
    await user.click(screen.getByRole('button', { name: 'Filtrera status' }));
    await user.click(screen.getByRole('checkbox', { name: 'Bestriden' }));
    await user.click(screen.getByRole('checkbox', { name: 'Förfallen' }));
    await waitFor(() => expect(lastQuery(requests)).toMatchObject({ status: 'overdue,disputed', page: '1' }));
    expect(screen.getByRole('button', { name: 'Filtrera status (2)' })).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Förfallna'), 'true');
    await waitFor(() => expect(lastQuery(requests)).toMatchObject({ status: 'overdue,disputed', overdue: 'true' }));
    expect(window.location.search).toBe('?status=overdue,disputed&overdue=true');
    await user.click(screen.getByRole('button', { name: 'Rensa filter' }));
    await waitFor(() => expect(lastQuery(requests).status).toBeUndefined());
    expect(lastQuery(requests).overdue).toBeUndefined();
  });

  it('searches a moment after the typing stops, with one request for the whole word', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page(ROWS, 3) } });
    await screen.findByRole('link', { name: '1001' });
    const before = listRequests(requests).length;
    await user.type(screen.getByRole('searchbox', { name: 'Sök faktura' }), 'maja');
    await waitFor(() => expect(lastQuery(requests).q).toBe('maja'));
    expect(listRequests(requests).length).toBe(before + 1);
    expect(window.location.search).toBe('?q=maja');
  });

  it('pages on the server with the page size chosen, and shows the total', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(<InvoiceListPage />, {
      'GET /api/invoices': ({ url }) => ({ body: page(ROWS, 12_345, Number(url.searchParams.get('page')), Number(url.searchParams.get('pageSize'))) }),
    });
    await screen.findByRole('link', { name: '1001' });
    expect(screen.getByText('12 345 fakturor')).toBeInTheDocument();
    expect(screen.getByText('Sida 1 av 247')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Föregående sida' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Nästa sida' }));
    await waitFor(() => expect(lastQuery(requests)).toMatchObject({ page: '2', pageSize: '50' }));
    expect(await screen.findByText('Sida 2 av 247')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Fakturor per sida'), '500');
    await waitFor(() => expect(lastQuery(requests)).toMatchObject({ page: '1', pageSize: '500' }));
    expect(await screen.findByText('Sida 1 av 25')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sista sidan' }));
    await waitFor(() => expect(lastQuery(requests)).toMatchObject({ page: '25', pageSize: '500' }));
    expect(window.location.search).toBe('?page=25&pageSize=500');
  });

  it('opens with the filters of a shared link', async () => {
    window.history.replaceState(null, '', '/invoices?status=reminder_sent,debt_collection&overdue=false&q=anna&sort=claim&order=desc&page=2&pageSize=25');
    const { requests } = renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page(ROWS, 60, 2, 25) } });
    await screen.findByRole('link', { name: '1001' });
    expect(listRequests(requests)).toHaveLength(1);
    expect(lastQuery(requests)).toEqual({ status: 'reminder_sent,debt_collection', overdue: 'false', q: 'anna', sort: 'claim', order: 'desc', page: '2', pageSize: '25' });
    expect(screen.getByRole('searchbox', { name: 'Sök faktura' })).toHaveValue('anna');
    expect(screen.getByLabelText('Förfallna')).toHaveValue('false');
    expect(screen.getByLabelText('Fakturor per sida')).toHaveValue('25');
    expect(screen.getByRole('columnheader', { name: /Kvar att kräva/ })).toHaveAttribute('aria-sort', 'descending');
    expect(screen.getByRole('button', { name: 'Filtrera status (2)' })).toBeInTheDocument();
    expect(screen.getByText('Sida 2 av 3')).toBeInTheDocument();
  });

  it('follows the back button to earlier filters', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page(ROWS, 3) } });
    await screen.findByRole('link', { name: '1001' });
    await user.click(screen.getByRole('button', { name: 'Fakturanummer' }));
    await waitFor(() => expect(lastQuery(requests).sort).toBe('invoiceNumber'));
    await act(async () => {
      window.history.back();
      await new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }));
    });
    await waitFor(() => expect(lastQuery(requests).sort).toBe('dueDate'));
  });

  it("shows the API's message when the list cannot be loaded, and tries again", async () => {
    const user = userEvent.setup();
    let fail = true;
    renderWithApp(<InvoiceListPage />, {
      'GET /api/invoices': () => (fail ? { status: 400, body: { code: 'REQUEST.INVALID', message: 'pageSize must not be greater than 500' } } : { body: page(ROWS, 3) }),
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('pageSize must not be greater than 500');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Försök igen' }));
    expect(await screen.findByRole('link', { name: '1001' })).toBeInTheDocument();
  });

  it('says when nothing matches', async () => {
    window.history.replaceState(null, '', '/invoices?q=zzz');
    renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page([], 0) } });
    expect(await screen.findByText('Inga fakturor matchar filtret.')).toBeInTheDocument();
  });
});

describe('The status filter', () => {
  beforeEach(() => window.history.replaceState(null, '', '/invoices'));

  it('works from the keyboard: opens, ticks, closes on Escape back to its button, and closes when tabbed out of', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page(ROWS, 3) } });
    await screen.findByRole('link', { name: '1001' });
    const button = screen.getByRole('button', { name: 'Filtrera status' });
    button.focus();
    await user.keyboard('{Enter}');
    expect(button).toHaveAttribute('aria-expanded', 'true');
    await user.tab();
    expect(screen.getByRole('checkbox', { name: 'Ej förfallen' })).toHaveFocus();
    await user.keyboard(' ');
    await waitFor(() => expect(lastQuery(requests).status).toBe('not_due'));
    await user.keyboard('{Escape}');
    expect(screen.getByRole('button', { name: 'Filtrera status (1)' })).toHaveFocus();
    expect(screen.getByRole('button', { name: 'Filtrera status (1)' })).toHaveAttribute('aria-expanded', 'false');
    await user.keyboard('{Enter}');
    await user.tab();
    await user.tab({ shift: true });
    await user.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Filtrera status (1)' })).toHaveAttribute('aria-expanded', 'false');
  });
});
