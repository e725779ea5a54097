import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createApi } from '../../src/api/client';
import { AppProvider } from '../../src/app/context';
import { PaymentsPage } from '../../src/features/payments/PaymentsPage';
import { I18nProvider } from '../../src/i18n/i18n';
import { COMPANY, FakeLive, renderWithApp } from '../support/render';
import { PAYOUT, paymentRoutes } from './fixtures';

describe("The partner's payouts", () => {
  it('lists date, amount, reference, capital and interest per invoice, and whether it has arrived', async () => {
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/payouts': { body: [{ ...PAYOUT, payoutId: 'po_78', reference: 'AMILI-PO-78', status: 'announced', paymentId: null, receivedOn: null, items: [PAYOUT.items[1]], amountOre: 50_000 }, PAYOUT] },
      }),
    );
    const table = await screen.findByRole('table', { name: 'Utbetalningar från inkassopartnern' });
    const [, announced, received] = within(table).getAllByRole('row');
    expect(announced).toHaveTextContent('2026-11-15');
    expect(announced).toHaveTextContent('500,00 kr');
    expect(announced).toHaveTextContent('AMILI-PO-78');
    expect(announced).toHaveTextContent('Aviserad, inte i banken än');
    expect(received).toHaveTextContent('1 512,34 kr');
    expect(received).toHaveTextContent('Faktura 1002: kapital 1 000,00 kr, ränta 12,34 kr');
    expect(received).toHaveTextContent('Faktura 1003: kapital 500,00 kr, ränta 0,00 kr');
    expect(received).toHaveTextContent('Mottagen 2026-11-16');
  });

  it('says when there are none, in English', async () => {
    renderWithApp(<PaymentsPage />, paymentRoutes(), { language: 'en' });
    expect(await screen.findByRole('heading', { name: "The collection partner's payouts" })).toBeInTheDocument();
    expect(await screen.findByText('No payouts yet.')).toBeInTheDocument();
  });
});

describe('The SIE 4 export', () => {
  const createObjectURL = jest.fn((_blob: Blob) => 'blob:sie');
  const revokeObjectURL = jest.fn();
  let clicked: Array<{ href: string; download: string }> = [];
  beforeEach(() => {
    clicked = [];
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('fetches the period with the bearer token and saves it under the name the API gives', async () => {
    const user = userEvent.setup();
    const seen: Request[] = [];
    const sie = '#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n';
    const fetchImpl = async (request: Request): Promise<Response> => {
      seen.push(request);
      const url = new URL(request.url);
      if (url.pathname === '/api/company') return Response.json(COMPANY);
      if (url.pathname === '/api/accounting/sie')
        return new Response(sie, { status: 200, headers: { 'content-type': 'text/plain; charset=IBM437', 'content-disposition': 'attachment; filename="betalningar-2026-01-01-2026-11-30.si"' } });
      if (url.pathname === '/api/payments/unmatched') return Response.json({ items: [], total: 0, page: 1, pageSize: 20 });
      return Response.json([]);
    };
    const api = createApi(() => 'sie-token', () => undefined, 'http://localhost', fetchImpl);
    render(
      <I18nProvider language="sv">
        <AppProvider session={{ token: 'sie-token', name: null, expiresAt: null }} onSignedOut={() => undefined} api={api} live={new FakeLive()}>
          <PaymentsPage />
        </AppProvider>
      </I18nProvider>,
    );
    const from = screen.getByLabelText('Från och med');
    const to = screen.getByLabelText('Till och med');
    await user.clear(from);
    await user.type(from, '2026-01-01');
    await user.clear(to);
    await user.type(to, '2026-11-30');
    await user.click(screen.getByRole('button', { name: 'Ladda ner SIE-fil' }));

    expect(await screen.findByText('Filen betalningar-2026-01-01-2026-11-30.si är nedladdad.')).toBeInTheDocument();
    const request = seen.find((r) => new URL(r.url).pathname === '/api/accounting/sie')!;
    expect(new URL(request.url).searchParams.get('from')).toBe('2026-01-01');
    expect(new URL(request.url).searchParams.get('to')).toBe('2026-11-30');
    expect(request.headers.get('Authorization')).toBe('Bearer sie-token');
    expect(clicked).toEqual([{ href: 'blob:sie', download: 'betalningar-2026-01-01-2026-11-30.si' }]);
    const blob = createObjectURL.mock.calls[0][0];
    expect(await blob.text()).toBe(sie);
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('checks the period first, and shows a refusal as its message', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(
      <PaymentsPage />,
      paymentRoutes({ 'GET /api/accounting/sie': { status: 400, body: { code: 'REQUEST.INVALID', message: 'from must be a real date' } } }),
      { language: 'en' },
    );
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');
    await user.clear(from);
    await user.type(from, '2026-12-01');
    await user.clear(to);
    await user.type(to, '2026-11-01');
    await user.click(screen.getByRole('button', { name: 'Download SIE file' }));
    expect(screen.getByText('The start date must not be after the end date.')).toBeInTheDocument();
    expect(requests.some((r) => r.path === '/api/accounting/sie')).toBe(false);

    await user.clear(from);
    await user.type(from, '2026-01-01');
    await user.click(screen.getByRole('button', { name: 'Download SIE file' }));
    expect(await screen.findByText('from must be a real date')).toBeInTheDocument();
    await waitFor(() => expect(requests.filter((r) => r.path === '/api/accounting/sie')).toHaveLength(1));
    expect(clicked).toEqual([]);
  });

  it('names the file itself when the API gives no name', async () => {
    const user = userEvent.setup();
    renderWithApp(<PaymentsPage />, paymentRoutes({ 'GET /api/accounting/sie': { body: '#FLAGGA 0' } }));
    const from = screen.getByLabelText('Från och med');
    const to = screen.getByLabelText('Till och med');
    await user.clear(from);
    await user.type(from, '2026-02-01');
    await user.clear(to);
    await user.type(to, '2026-02-28');
    await user.click(screen.getByRole('button', { name: 'Ladda ner SIE-fil' }));
    expect(await screen.findByText('Filen betalningar-2026-02-01-2026-02-28.si är nedladdad.')).toBeInTheDocument();
    expect(clicked[0].download).toBe('betalningar-2026-02-01-2026-02-28.si');
  });
});
