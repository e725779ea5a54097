import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { InvoiceListPage } from '../../src/features/invoices/InvoiceListPage';
import { COMPANY } from '../support/render';
import { INACTIVE_COMPANY, invoice, page, preview } from './fixtures';
import { renderWithApp as renderInvoices } from '../support/render';

const ROWS = [
  invoice('1001', { version: 3 }),
  invoice('1002', { version: 5, customer: { ...invoice('x').customer, name: 'Erik Johansson' }, claimOre: 890_000, totalOre: 890_000 }),
  invoice('1003', { version: 2, customer: { ...invoice('x').customer, name: 'Maja Nilsson' }, taxReduction: { type: 'ROT', amountOre: 900_000, readyForSkatteverket: false }, totalOre: 4_200_000, customerShareOre: 3_300_000, claimOre: 3_300_000 }),
  invoice('1005', { status: 'not_due', allowedActions: ['credit_invoice', 'register_payment'] }),
  invoice('1007', { currency: 'EUR', allowedActions: ['credit_invoice', 'register_payment'] }),
];

const PREVIEW = {
  items: [
    preview('1001'),
    preview('1002', { customerName: 'Erik Johansson', claimOre: 890_000, totalOre: 890_000, customerShareOre: 890_000 }),
    preview('1003', { customerName: 'Maja Nilsson', taxReductionType: 'ROT', totalOre: 4_200_000, customerShareOre: 3_300_000, claimOre: 3_300_000 }),
    preview('1005', { canSend: false, refusal: { code: 'INVOICE.NOT_OVERDUE', message: 'The invoice is not overdue yet: it can be paid on time until 2026-12-28.', details: { dueDate: '2026-12-27', lastDayToPay: '2026-12-28' } } }),
    preview('1007', { canSend: false, refusal: { code: 'INVOICE.CURRENCY_NOT_SEK', message: 'Only invoices in SEK can be sent; this one is in EUR.', details: { currency: 'EUR' } } }),
  ],
};

describe('Sending many invoices at once', () => {
  beforeEach(() => window.history.replaceState(null, '', '/invoices'));

  it('previews what will be sent and what will be refused and why, then sends only the sendable ones', async () => {
    const user = userEvent.setup();
    const { posts, requests } = renderInvoices(<InvoiceListPage />, {
      'GET /api/invoices': { body: page(ROWS) },
      'POST /api/reminder-cases/preview': { body: PREVIEW },
      'POST /api/invoices/1001/reminder-case': { status: 201, body: { caseId: 'c1' } },
      'POST /api/invoices/1002/reminder-case': { status: 409, body: { code: 'CASE.ALREADY_OPEN', message: 'The invoice is already in reminder handling.' } },
      'POST /api/invoices/1003/reminder-case': { status: 201, body: { caseId: 'c3' } },
    });
    await screen.findByRole('link', { name: '1001' });
    const send = screen.getByRole('button', { name: 'Skicka valda' });
    expect(send).toBeDisabled();
    await user.click(screen.getByRole('checkbox', { name: 'Välj alla fakturor på sidan' }));
    expect(screen.getByText('5 fakturor valda')).toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'Välj faktura 1001' }));
    expect(screen.getByRole('checkbox', { name: 'Välj alla fakturor på sidan' })).toHaveProperty('indeterminate', true);
    await user.click(screen.getByRole('checkbox', { name: 'Välj faktura 1001' }));
    expect(screen.getByText('5 fakturor valda')).toBeInTheDocument();
    await user.click(send);

    const dialog = await screen.findByRole('dialog', { name: 'Skicka valda fakturor till påminnelsehantering' });
    const sendable = within(await within(dialog).findByTestId('bulk-sendable'));
    const refused = within(within(dialog).getByTestId('bulk-refused'));
    expect(posts('/preview')[0].body).toEqual({ invoiceNumbers: ['1001', '1002', '1003', '1005', '1007'] });
    expect(sendable.getByRole('heading', { name: 'Skickas (3)' })).toBeInTheDocument();
    expect(sendable.getByRole('rowheader', { name: '1001' })).toBeInTheDocument();
    expect(sendable.getByText('Erik Johansson')).toBeInTheDocument();
    expect(sendable.getByText('8 900,00 kr')).toBeInTheDocument();
    expect(sendable.getByText('Kundens andel (ROT-avdrag)')).toBeInTheDocument();
    expect(sendable.getAllByText('Påminnelseavgift 60,00 kr, Inkassoavgift 180,00 kr')).toHaveLength(3);
    expect(refused.getByRole('heading', { name: 'Kan inte skickas (2)' })).toBeInTheDocument();
    expect(refused.getByText('Fakturan har inte förfallit än: kunden kan betala i tid till och med 2026-12-28.')).toBeInTheDocument();
    expect(refused.getByText('Bara fakturor i kronor kan skickas; den här är i EUR.')).toBeInTheDocument();
    expect(refused.queryByText(/INVOICE\./)).toBeNull();

    await user.click(within(dialog).getByRole('button', { name: 'Skicka 3 fakturor' }));
    expect(await within(dialog).findByText('2 av 3 fakturor skickades.')).toBeInTheDocument();
    const outcome = (n: string) => sendable.getByRole('rowheader', { name: n }).closest('tr')!;
    expect(within(outcome('1001')).getByText('Skickad')).toBeInTheDocument();
    expect(within(outcome('1002')).getByText('Inte skickad: Fakturan är redan skickad till påminnelsehantering.')).toBeInTheDocument();
    expect(within(outcome('1003')).getByText('Skickad')).toBeInTheDocument();

    const sends = posts('/reminder-case');
    expect(sends.map((r) => r.path).sort()).toEqual(['/api/invoices/1001/reminder-case', '/api/invoices/1002/reminder-case', '/api/invoices/1003/reminder-case']);
    const byPath = Object.fromEntries(sends.map((r) => [r.path, r]));
    expect(byPath['/api/invoices/1001/reminder-case'].body).toEqual({ confirmedClaimOre: 125_000 });
    expect(byPath['/api/invoices/1003/reminder-case'].body).toEqual({ confirmedClaimOre: 3_300_000 });
    expect(byPath['/api/invoices/1002/reminder-case'].headers.get('If-Match')).toBe('"5"');

    // The list reloads, and the two sent invoices leave the selection.
    await waitFor(() => expect(requests.filter((r) => r.path === '/api/invoices')).toHaveLength(2));
    expect(screen.getByText('3 fakturor valda')).toBeInTheDocument();
    await user.click(within(dialog.querySelector('footer')!).getByRole('button', { name: 'Stäng' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says so when none of the selected invoices can be sent, and offers no send button', async () => {
    const user = userEvent.setup();
    renderInvoices(<InvoiceListPage />, {
      'GET /api/invoices': { body: page(ROWS) },
      'POST /api/reminder-cases/preview': { body: { items: PREVIEW.items.filter((item) => !item.canSend) } },
    });
    await user.click(await screen.findByRole('checkbox', { name: 'Välj faktura 1005' }));
    await user.click(screen.getByRole('checkbox', { name: 'Välj faktura 1007' }));
    await user.click(screen.getByRole('button', { name: 'Skicka valda' }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('Ingen av de valda fakturorna kan skickas just nu.')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: /^Skicka \d/ })).toBeNull();
  });

  it('activates first when the company has not, then sends', async () => {
    const user = userEvent.setup();
    let active = false;
    const { posts } = renderInvoices(<InvoiceListPage />, {
      'GET /api/company': () => ({ body: active ? COMPANY : INACTIVE_COMPANY }),
      'POST /api/activation': () => {
        active = true;
        return { status: 201, body: COMPANY.activation };
      },
      'GET /api/invoices': { body: page(ROWS) },
      'POST /api/reminder-cases/preview': { body: { items: [PREVIEW.items[0]] } },
      'POST /api/invoices/1001/reminder-case': { status: 201, body: { caseId: 'c1' } },
    });
    await user.click(await screen.findByRole('checkbox', { name: 'Välj faktura 1001' }));
    await waitFor(() => expect(posts('/activation')).toHaveLength(0));
    await user.click(screen.getByRole('button', { name: 'Skicka valda' }));
    const guide = await screen.findByRole('dialog', { name: 'Kom igång med påminnelsehantering' });
    await user.click(within(guide).getByRole('button', { name: 'Nästa' }));
    await user.click(within(guide).getByRole('button', { name: 'Nästa' }));
    await user.click(within(guide).getByRole('checkbox', { name: /godkänner villkoren/ }));
    await user.click(within(guide).getByRole('button', { name: 'Aktivera och fortsätt' }));
    const dialog = await screen.findByRole('dialog', { name: 'Skicka valda fakturor till påminnelsehantering' });
    await user.click(await within(dialog).findByRole('button', { name: 'Skicka 1 faktura' }));
    expect(await within(dialog).findByText('1 av 1 fakturor skickades.')).toBeInTheDocument();
    expect(posts('/reminder-case')).toHaveLength(1);
  });
});
