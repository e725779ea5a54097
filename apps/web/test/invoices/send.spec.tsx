import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { InvoiceListPage } from '../../src/features/invoices/InvoiceListPage';
import { COMPANY } from '../support/render';
import { renderWithApp as renderInvoices } from '../support/render';
import { INACTIVE_COMPANY, invoice, page, preview } from './fixtures';

const OVERDUE = invoice('1001', { version: 3 });
const SENT = invoice('1001', { status: 'requested', caseId: 'c1', sentAt: '2026-11-10T10:00:00Z', allowedActions: ['close_case', 'register_payment'], version: 4 });

async function startSend(user: ReturnType<typeof userEvent.setup>, n = '1001') {
  await user.click(await screen.findByRole('button', { name: `Åtgärder för faktura ${n}` }));
  await user.click(screen.getByRole('menuitem', { name: 'Skicka till påminnelsehantering' }));
}

describe('Sending one invoice', () => {
  beforeEach(() => window.history.replaceState(null, '', '/invoices'));

  it('confirms customer, invoice, claim, fees and interest, then sends the confirmed claim on the version seen', async () => {
    const user = userEvent.setup();
    const { posts } = renderInvoices(<InvoiceListPage />, {
      'GET /api/invoices': { body: page([OVERDUE]) },
      'POST /api/reminder-cases/preview': { body: { items: [preview('1001')] } },
      'POST /api/invoices/1001/reminder-case': { status: 201, body: { caseId: 'c1' } },
      'GET /api/invoices/1001': { body: SENT },
    });
    await startSend(user);
    const dialog = await screen.findByRole('dialog', { name: 'Skicka faktura 1001 till påminnelsehantering' });
    await within(dialog).findByText('Anna Lindqvist');
    expect(within(dialog).getByTestId('send-claim')).toHaveTextContent('1 250,00 kr');
    expect(within(dialog).getByText(/12,00 % per år/)).toBeInTheDocument();
    expect(within(dialog).getByText('Påminnelseavgift')).toBeInTheDocument();
    expect(within(dialog).getByText('60,00 kr')).toBeInTheDocument();
    expect(within(dialog).getByText('Inkassoavgift')).toBeInTheDocument();
    expect(within(dialog).getByText('180,00 kr')).toBeInTheDocument();
    expect(within(dialog).getByText(/Påminnelseavgift får bara tas ut om ni kom överens om den med kunden/)).toBeInTheDocument();
    expect(within(dialog).queryByText(/Skatteverket/)).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Bekräfta och skicka' }));
    expect(await screen.findByText('Faktura 1001 är skickad till påminnelsehantering.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
    const send = posts('/reminder-case')[0];
    expect(send.body).toEqual({ confirmedClaimOre: 125_000 });
    expect(send.headers.get('If-Match')).toBe('"3"');
    expect(posts('/preview')[0].body).toEqual({ invoiceNumbers: ['1001'] });
    const row = screen.getByRole('link', { name: '1001' }).closest('tr')!;
    expect(within(row).getByText('Skickad')).toHaveClass('chip');
    expect(within(row).getByText('2026-11-10')).toBeInTheDocument();
  });

  it("says plainly for ROT that only the customer's share is claimed, and that businesses pay förseningsersättning", async () => {
    const user = userEvent.setup();
    renderInvoices(<InvoiceListPage />, {
      'GET /api/invoices': { body: page([OVERDUE]) },
      'POST /api/reminder-cases/preview': {
        body: {
          items: [
            preview('1001', {
              customerIsCompany: true,
              totalOre: 4_200_000,
              customerShareOre: 3_300_000,
              claimOre: 3_300_000,
              taxReductionType: 'ROT',
              possibleFees: [{ kind: 'late_payment_compensation', amountOre: 45_000 }],
            }),
          ],
        },
      },
    });
    await startSend(user);
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('send-claim');
    expect(within(dialog).getByTestId('send-claim')).toHaveTextContent('33 000,00 kr');
    expect(within(dialog).getByText(/Fakturan har ROT-avdrag\. Bara kundens egen del, 33 000,00 kr, krävs in\./)).toHaveTextContent(
      'Skattereduktionen på 9 000,00 kr begär ni själva från Skatteverket',
    );
    expect(within(dialog).getByText('Förseningsersättning')).toBeInTheDocument();
    expect(within(dialog).getByText('450,00 kr')).toBeInTheDocument();
    expect(within(dialog).getByText(/betalar därför förseningsersättning i stället för påminnelse- och inkassoavgift/)).toBeInTheDocument();
    expect(within(dialog).queryByText(/Påminnelseavgift får bara/)).toBeNull();
  });

  it('shows the refusal in words and no send button when the invoice cannot be sent', async () => {
    const user = userEvent.setup();
    const { posts } = renderInvoices(<InvoiceListPage />, {
      'GET /api/invoices': { body: page([OVERDUE]) },
      'POST /api/reminder-cases/preview': {
        body: { items: [preview('1001', { canSend: false, refusal: { code: 'CUSTOMER.NOT_IN_SWEDEN', message: 'The customer has an address outside Sweden; reminder handling covers customers in Sweden only.' } })] },
      },
    });
    await startSend(user);
    const dialog = await screen.findByRole('dialog');
    // In the user's language: our sentence for the refusal's code (i18n/errors.ts).
    expect(await within(dialog).findByText('Kunden har en adress utanför Sverige; påminnelsehanteringen gäller bara kunder i Sverige.')).toBeInTheDocument();
    expect(within(dialog).getByText('Fakturan kan inte skickas just nu')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Bekräfta och skicka' })).toBeNull();
    expect(within(dialog).queryByText(/CUSTOMER\./)).toBeNull();
    await user.click(within(dialog.querySelector('footer')!).getByRole('button', { name: 'Stäng' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(posts('/reminder-case')).toHaveLength(0);
  });

  it('shows the new figure when the claim changed since it was confirmed, and asks again', async () => {
    const user = userEvent.setup();
    let previews = 0;
    let sends = 0;
    const { posts } = renderInvoices(<InvoiceListPage />, {
      'GET /api/invoices': { body: page([OVERDUE]) },
      'POST /api/reminder-cases/preview': () => {
        previews += 1;
        return { body: { items: [preview('1001', { claimOre: previews === 1 ? 125_000 : 100_000 })] } };
      },
      'POST /api/invoices/1001/reminder-case': () => {
        sends += 1;
        return sends === 1
          ? { status: 409, body: { code: 'CASE.CLAIM_CHANGED', message: 'The amount to claim has changed to 100000 öre since it was confirmed.', details: { claimOre: 100_000 } } }
          : { status: 201, body: { caseId: 'c1' } };
      },
      'GET /api/invoices/1001': { body: SENT },
    });
    await startSend(user);
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('send-claim');
    await user.click(within(dialog).getByRole('button', { name: 'Bekräfta och skicka' }));
    expect(await within(dialog).findByText('Beloppet att kräva har ändrats till 1 000,00 kr. Titta igenom uppgifterna och bekräfta igen.')).toBeInTheDocument();
    expect(within(dialog).getByTestId('send-claim')).toHaveTextContent('1 000,00 kr');
    await user.click(within(dialog).getByRole('button', { name: 'Bekräfta och skicka' }));
    expect(await screen.findByText('Faktura 1001 är skickad till påminnelsehantering.')).toBeInTheDocument();
    expect(posts('/reminder-case').map((r) => r.body)).toEqual([{ confirmedClaimOre: 125_000 }, { confirmedClaimOre: 100_000 }]);
  });

  it('guides a company that has not activated through the terms, then continues to the confirmation and sends', async () => {
    const user = userEvent.setup();
    let active = false;
    const { posts } = renderInvoices(<InvoiceListPage />, {
      'GET /api/company': () => ({ body: active ? COMPANY : INACTIVE_COMPANY }),
      'POST /api/activation': () => {
        active = true;
        return { status: 201, body: COMPANY.activation };
      },
      'GET /api/invoices': { body: page([OVERDUE]) },
      'POST /api/reminder-cases/preview': { body: { items: [preview('1001')] } },
      'POST /api/invoices/1001/reminder-case': { status: 201, body: { caseId: 'c1' } },
      'GET /api/invoices/1001': { body: SENT },
    });
    await screen.findByRole('link', { name: '1001' });
    // The company is loaded (inactive) before the user acts.
    await waitFor(() => expect(posts('/preview')).toHaveLength(0));
    await startSend(user);
    const guide = await screen.findByRole('dialog', { name: 'Kom igång med påminnelsehantering' });
    expect(within(guide).getByText('Steg 1 av 3')).toBeInTheDocument();
    expect(within(guide).getByText(/skickar då en påminnelse/)).toBeInTheDocument();
    expect(within(guide).getByText(/inkassokrav ungefär 12 dagar senare/)).toBeInTheDocument();
    expect(within(guide).getByText(/avgifter och dröjsmålsränta/)).toBeInTheDocument();
    await user.click(within(guide).getByRole('button', { name: 'Nästa' }));
    expect(within(guide).getByText('Steg 2 av 3')).toBeInTheDocument();
    expect(within(guide).getByText(/bestrider kravet stoppas indrivningen/)).toBeInTheDocument();
    expect(within(guide).getByText(/när som helst pausa eller avsluta/)).toBeInTheDocument();
    expect(within(guide).getByText(/När kunden betalar stängs ärendet/)).toBeInTheDocument();
    await user.click(within(guide).getByRole('button', { name: 'Nästa' }));
    expect(within(guide).getByText(/villkor, version 2026-1\./)).toBeInTheDocument();
    await user.click(within(guide).getByRole('button', { name: 'Aktivera och fortsätt' }));
    expect(within(guide).getByText('Kryssa i rutan för att godkänna villkoren.')).toBeInTheDocument();
    expect(posts('/api/activation')).toHaveLength(0);
    await user.click(within(guide).getByRole('checkbox', { name: 'Jag har läst och godkänner villkoren (version 2026-1)' }));
    await user.click(within(guide).getByRole('button', { name: 'Aktivera och fortsätt' }));
    const confirm = await screen.findByRole('dialog', { name: 'Skicka faktura 1001 till påminnelsehantering' });
    expect(posts('/api/activation')[0].body).toEqual({ termsVersion: '2026-1', accepted: true });
    await within(confirm).findByTestId('send-claim');
    await user.click(within(confirm).getByRole('button', { name: 'Bekräfta och skicka' }));
    expect(await screen.findByText('Faktura 1001 är skickad till påminnelsehantering.')).toBeInTheDocument();
    expect(posts('/reminder-case')).toHaveLength(1);
  });

  it('opens the guide when the send is refused as not activated, and then sends what was confirmed', async () => {
    const user = userEvent.setup();
    let active = false;
    const { posts } = renderInvoices(<InvoiceListPage />, {
      // The company looked active when the page loaded (the activation was withdrawn since).
      'GET /api/company': () => ({ body: active || posts('/reminder-case').length === 0 ? COMPANY : { ...INACTIVE_COMPANY, activation: { ...INACTIVE_COMPANY.activation, activationNeeded: 'new_terms', termsVersion: '2026-2' } } }),
      'POST /api/activation': () => {
        active = true;
        return { status: 201, body: COMPANY.activation };
      },
      'GET /api/invoices': { body: page([OVERDUE]) },
      'POST /api/reminder-cases/preview': { body: { items: [preview('1001')] } },
      'POST /api/invoices/1001/reminder-case': () =>
        active
          ? { status: 201, body: { caseId: 'c1' } }
          : { status: 422, body: { code: 'COMPANY.NOT_ACTIVATED', message: 'Reminder handling must be activated, with the terms accepted, before invoices can be sent.' } },
      'GET /api/invoices/1001': { body: SENT },
    });
    await startSend(user);
    const confirm = await screen.findByRole('dialog');
    await within(confirm).findByTestId('send-claim');
    await user.click(within(confirm).getByRole('button', { name: 'Bekräfta och skicka' }));
    const guide = await screen.findByRole('dialog', { name: 'Kom igång med påminnelsehantering' });
    expect(await within(guide).findByText('Villkoren har uppdaterats sedan ni godkände dem senast.')).toBeInTheDocument();
    await user.click(within(guide).getByRole('button', { name: 'Nästa' }));
    await user.click(within(guide).getByRole('button', { name: 'Nästa' }));
    await user.click(within(guide).getByRole('checkbox', { name: /Jag har läst och godkänner villkoren \(version 2026-2\)/ }));
    await user.click(within(guide).getByRole('button', { name: 'Aktivera och fortsätt' }));
    expect(await screen.findByText('Faktura 1001 är skickad till påminnelsehantering.')).toBeInTheDocument();
    expect(posts('/api/activation')[0].body).toEqual({ termsVersion: '2026-2', accepted: true });
    expect(posts('/reminder-case').map((r) => r.body)).toEqual([{ confirmedClaimOre: 125_000 }, { confirmedClaimOre: 125_000 }]);
  });
});
