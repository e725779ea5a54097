import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { InvoiceListPage } from '../../src/features/invoices/InvoiceListPage';
import { renderWithApp } from '../support/render';
import { renderWithApp as renderInvoices } from '../support/render';
import { invoice, page } from './fixtures';

const OPEN_CASE = invoice('1001', {
  status: 'reminder_sent',
  caseId: 'c1',
  sentAt: '2026-11-02T09:30:00Z',
  portalUrl: 'http://partner.test/portal/cases/am_77',
  partnerCaseId: 'am_77',
  allowedActions: ['close_case', 'pause_case', 'register_payment', 'open_in_portal'],
  version: 4,
});
const OVERDUE = invoice('1002', { allowedActions: ['send_to_reminder_handling', 'credit_invoice', 'register_payment'], version: 2 });
const PAUSED = invoice('1003', { status: 'paused', caseId: 'c3', allowedActions: ['close_case', 'resume_case', 'register_payment'], version: 7 });
const NOTHING = invoice('1004', { status: 'paid', claimOre: 0, paidOre: 125_000, allowedActions: [] });

async function openMenu(n: string) {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: `Åtgärder för faktura ${n}` }));
  return { user, menu: screen.getByRole('menu', { name: `Åtgärder för faktura ${n}` }) };
}

const itemNames = (menu: HTMLElement) => within(menu).getAllByRole('menuitem').map((item) => item.textContent);

describe('The row action menu', () => {
  beforeEach(() => window.history.replaceState(null, '', '/invoices'));
  const routes = { 'GET /api/invoices': { body: page([OPEN_CASE, OVERDUE, PAUSED, NOTHING]) } };

  it("offers exactly the invoice's allowed actions", async () => {
    renderWithApp(<InvoiceListPage />, routes);
    let { menu, user } = await openMenu('1001');
    expect(itemNames(menu)).toEqual(['Avsluta ärende', 'Pausa ärende', 'Registrera betalning', 'Öppna i inkassopartnerns portal (öppnas i en ny flik)']);
    const portal = within(menu).getByRole('menuitem', { name: /Öppna i inkassopartnerns portal/ });
    expect(portal).toHaveAttribute('href', 'http://partner.test/portal/cases/am_77');
    expect(portal).toHaveAttribute('target', '_blank');
    await user.keyboard('{Escape}');
    ({ menu, user } = await openMenu('1002'));
    expect(itemNames(menu)).toEqual(['Skicka till påminnelsehantering', 'Kreditera faktura', 'Registrera betalning']);
    await user.keyboard('{Escape}');
    ({ menu, user } = await openMenu('1003'));
    expect(itemNames(menu)).toEqual(['Avsluta ärende', 'Återuppta ärende', 'Registrera betalning']);
    await user.keyboard('{Escape}');
    expect(screen.getByRole('button', { name: 'Åtgärder för faktura 1004' })).toBeDisabled();
  });

  it('names the actions in English too', async () => {
    const user = userEvent.setup();
    renderWithApp(<InvoiceListPage />, routes, { language: 'en' });
    await user.click(await screen.findByRole('button', { name: 'Actions for invoice 1002' }));
    expect(itemNames(screen.getByRole('menu'))).toEqual(['Send to reminder handling', 'Credit invoice', 'Register payment']);
  });

  it('closes a case with a reason, on the version seen, and shows the new state in the row', async () => {
    const closed = { ...OPEN_CASE, status: 'closed' as const, allowedActions: ['credit_invoice' as const, 'register_payment' as const], version: 5 };
    const { requests } = renderWithApp(<InvoiceListPage />, { ...routes, 'POST /api/invoices/1001/reminder-case/close': { body: closed } });
    const { user, menu } = await openMenu('1001');
    await user.click(within(menu).getByRole('menuitem', { name: 'Avsluta ärende' }));
    const dialog = screen.getByRole('dialog', { name: 'Avsluta ärendet för faktura 1001' });
    await user.click(within(dialog).getByRole('button', { name: 'Avsluta ärendet' }));
    expect(within(dialog).getByText('Skriv varför ärendet avslutas.')).toBeInTheDocument();
    expect(requests.some((r) => r.path.endsWith('/close'))).toBe(false);
    await user.type(within(dialog).getByLabelText('Anledning'), 'Kunden har betalat direkt till oss');
    await user.click(within(dialog).getByRole('button', { name: 'Avsluta ärendet' }));
    expect(await screen.findByText('Ärendet för faktura 1001 är avslutat.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
    const close = requests.find((r) => r.path === '/api/invoices/1001/reminder-case/close')!;
    expect(close.body).toEqual({ reason: 'Kunden har betalat direkt till oss' });
    expect(within(screen.getByRole('link', { name: '1001' }).closest('tr')!).getByText('Avslutad')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Åtgärder för faktura 1001' })).toHaveFocus();
  });

  it('sends If-Match with the version seen on every command that takes it', async () => {
    const user = userEvent.setup();
    const { posts } = renderInvoices(<InvoiceListPage />, {
      ...routes,
      'POST /api/invoices/1003/reminder-case/resume': { body: { ...PAUSED, status: 'reminder_sent', allowedActions: ['close_case', 'pause_case'], version: 8 } },
      'POST /api/invoices/1001/reminder-case/close': { body: { ...OPEN_CASE, status: 'closed', allowedActions: [], version: 5 } },
      'POST /api/invoices/1002/credit': { body: { ...OVERDUE, status: 'credited', allowedActions: [], version: 3 } },
    });
    await user.click(await screen.findByRole('button', { name: 'Åtgärder för faktura 1003' }));
    await user.click(screen.getByRole('menuitem', { name: 'Återuppta ärende' }));
    expect(await screen.findByText('Ärendet för faktura 1003 är återupptaget.')).toBeInTheDocument();
    expect(within(screen.getByRole('link', { name: '1003' }).closest('tr')!).getByText('Påminnelse skickad')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Åtgärder för faktura 1001' }));
    await user.click(screen.getByRole('menuitem', { name: 'Avsluta ärende' }));
    await user.type(screen.getByLabelText('Anledning'), 'Betalt direkt');
    await user.click(screen.getByRole('button', { name: 'Avsluta ärendet' }));
    await screen.findByText('Ärendet för faktura 1001 är avslutat.');
    await user.click(screen.getByRole('button', { name: 'Åtgärder för faktura 1002' }));
    await user.click(screen.getByRole('menuitem', { name: 'Kreditera faktura' }));
    await user.click(screen.getByRole('button', { name: 'Kreditera fakturan' }));
    await screen.findByText('Faktura 1002 är krediterad.');
    expect(posts('/resume')[0].headers.get('If-Match')).toBe('"7"');
    expect(posts('/close')[0].headers.get('If-Match')).toBe('"4"');
    expect(posts('/credit')[0].headers.get('If-Match')).toBe('"2"');
  });

  it('pauses a case until a date with a reason', async () => {
    const { requests } = renderWithApp(<InvoiceListPage />, {
      ...routes,
      'POST /api/invoices/1001/reminder-case/pause': ({ body }) => ({ body: { ...OPEN_CASE, status: 'paused', allowedActions: ['close_case', 'resume_case'], version: 5, ...(body ? {} : {}) } }),
    });
    const { user, menu } = await openMenu('1001');
    await user.click(within(menu).getByRole('menuitem', { name: 'Pausa ärende' }));
    const dialog = screen.getByRole('dialog', { name: 'Pausa ärendet för faktura 1001' });
    const until = within(dialog).getByLabelText('Pausa till och med');
    await user.clear(until);
    await user.type(until, '2099-01-31');
    await user.type(within(dialog).getByLabelText('Anledning (valfritt)'), 'Anstånd till lönen');
    await user.click(within(dialog).getByRole('button', { name: 'Pausa ärendet' }));
    expect(await screen.findByText('Ärendet för faktura 1001 är pausat till och med 2099-01-31.')).toBeInTheDocument();
    expect(requests.find((r) => r.path.endsWith('/pause'))!.body).toEqual({ until: '2099-01-31', reason: 'Anstånd till lönen' });
  });

  it('credits an invoice after asking, with an optional reason', async () => {
    const { requests } = renderWithApp(<InvoiceListPage />, {
      ...routes,
      'POST /api/invoices/1002/credit': { body: { ...OVERDUE, status: 'credited', allowedActions: [], version: 3 } },
    });
    const { user, menu } = await openMenu('1002');
    await user.click(within(menu).getByRole('menuitem', { name: 'Kreditera faktura' }));
    const dialog = screen.getByRole('dialog', { name: 'Kreditera faktura 1002' });
    await user.click(within(dialog).getByRole('button', { name: 'Kreditera fakturan' }));
    expect(await screen.findByText('Faktura 1002 är krediterad.')).toBeInTheDocument();
    expect(requests.find((r) => r.path.endsWith('/credit'))!.body).toEqual({});
    expect(within(screen.getByRole('link', { name: '1002' }).closest('tr')!).getByText('Krediterad')).toBeInTheDocument();
  });

  it('registers a payment typed in kronor as whole öre', async () => {
    const { requests } = renderWithApp(<InvoiceListPage />, {
      ...routes,
      'POST /api/invoices/1002/payments': { status: 201, body: { paymentId: 'p1', invoice: { ...OVERDUE, paidOre: 25_050, claimOre: 99_950, version: 3 } } },
    });
    const { user, menu } = await openMenu('1002');
    await user.click(within(menu).getByRole('menuitem', { name: 'Registrera betalning' }));
    const dialog = screen.getByRole('dialog', { name: 'Registrera betalning på faktura 1002' });
    const amount = within(dialog).getByLabelText('Belopp i kronor');
    expect(amount).toHaveValue('1250,00');
    await user.clear(amount);
    await user.type(amount, '12,345');
    await user.click(within(dialog).getByRole('button', { name: 'Registrera betalningen' }));
    expect(within(dialog).getByText('Beloppet kan ha högst två decimaler (ören).')).toBeInTheDocument();
    await user.clear(amount);
    await user.type(amount, '2 000');
    expect(within(dialog).getByText(/Beloppet är större än det som är kvar att betala/)).toBeInTheDocument();
    await user.clear(amount);
    await user.type(amount, '250,50');
    const paidOn = within(dialog).getByLabelText('Betalningsdag');
    await user.clear(paidOn);
    await user.type(paidOn, '2026-11-20');
    await user.click(within(dialog).getByRole('button', { name: 'Registrera betalningen' }));
    expect(await screen.findByText('Betalningen på 250,50 kr är registrerad på faktura 1002.')).toBeInTheDocument();
    expect(requests.filter((r) => r.path.endsWith('/payments')).map((r) => r.body)).toEqual([{ amountOre: 25_050, paidOn: '2026-11-20' }]);
    expect(within(screen.getByRole('link', { name: '1002' }).closest('tr')!).getByText('999,50 kr')).toBeInTheDocument();
  });

  it('tells the user when the invoice changed meanwhile, and reloads the row', async () => {
    const fresh = { ...OPEN_CASE, status: 'debt_collection' as const, version: 6 };
    let closes = 0;
    const { requests } = renderWithApp(<InvoiceListPage />, {
      ...routes,
      'POST /api/invoices/1001/reminder-case/close': () => {
        closes += 1;
        return closes === 1 ? { status: 409, body: { code: 'REQUEST.STALE_VERSION', message: 'The invoice has changed since version 4.' } } : { body: { ...fresh, status: 'closed', version: 7 } };
      },
      'GET /api/invoices/1001': { body: fresh },
    });
    const { user, menu } = await openMenu('1001');
    await user.click(within(menu).getByRole('menuitem', { name: 'Avsluta ärende' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Anledning'), 'Överens med kunden');
    await user.click(within(dialog).getByRole('button', { name: 'Avsluta ärendet' }));
    expect(await within(dialog).findByText(/Faktura 1001 har ändrats sedan du öppnade den/)).toBeInTheDocument();
    await waitFor(() => expect(within(screen.getByRole('link', { name: '1001' }).closest('tr')!).getByText('Inkasso')).toBeInTheDocument());
    expect(requests.some((r) => r.method === 'GET' && r.path === '/api/invoices/1001')).toBe(true);
    await user.click(within(dialog).getByRole('button', { name: 'Avsluta ärendet' }));
    expect(await screen.findByText('Ärendet för faktura 1001 är avslutat.')).toBeInTheDocument();
  });

  it("shows the API's refusal in the dialog", async () => {
    renderWithApp(<InvoiceListPage />, {
      ...routes,
      'POST /api/invoices/1002/credit': { status: 409, body: { code: 'INVOICE.CASE_OPEN', message: 'The invoice is in reminder handling; close the case before crediting it.' } },
    });
    const { user, menu } = await openMenu('1002');
    await user.click(within(menu).getByRole('menuitem', { name: 'Kreditera faktura' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Kreditera fakturan' }));
    expect(await within(screen.getByRole('dialog')).findByRole('alert')).toHaveTextContent('Avsluta ärendet innan du krediterar fakturan.');
  });
});
