import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PaymentsPage } from '../../src/features/payments/PaymentsPage';
import { renderWithApp } from '../support/render';
import { PAYOUT, invoice, paymentRoutes, queuePage, queued } from './fixtures';

/** The queue answers `first` once, then (after an action) `after`. */
function queueOnce(first: ReturnType<typeof queued>[], after: ReturnType<typeof queued>[] = []) {
  let calls = 0;
  return () => ({ body: calls++ === 0 ? queuePage(first) : queuePage(after) });
}

const dialogNamed = (name: string) => screen.findByRole('dialog', { name });

describe('The queue of payments to handle', () => {
  it('shows each payment with amount, date, payer, references, the reason in words and the suggestion', async () => {
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/payouts': { body: [PAYOUT] },
        'GET /api/payments/unmatched': {
          body: queuePage([
            queued({ bankReference: 'BANK-0001', reason: 'no_match', suggestion: null, payerName: null, references: [{ kind: 'free_text', value: 'Tack för senast' }] }),
            queued({ bankReference: 'BANK-0002', paymentId: 'p2', reason: 'overpayment', references: [{ kind: 'ocr', value: '10017' }, { kind: 'invoice_number', value: '1001' }] }),
            queued({ bankReference: 'BANK-0003', paymentId: 'p3', reason: 'ambiguous', suggestion: '1004' }),
            queued({ bankReference: 'BANK-0004', paymentId: 'p4', reason: 'reversal', reversal: true, suggestion: null }),
            queued({ bankReference: 'BANK-0005', paymentId: 'p5', reason: 'nothing_to_claim', suggestion: '1005' }),
            queued({ bankReference: 'BANK-0006', paymentId: 'p6', reason: 'not_sek', suggestion: null, amountOre: 9_900, currency: 'EUR' }),
            queued({ bankReference: 'BANK-0007', paymentId: 'p7', reason: 'payout_mismatch', suggestion: 'po_77', payerName: 'Amili AB' }),
          ]),
        },
      }),
    );
    const queue = await screen.findByRole('list', { name: 'Betalningar att hantera' });
    const items = within(queue).getAllByRole('listitem').filter((li) => li.parentElement === queue);
    expect(items).toHaveLength(7);
    expect(screen.getByText('Väntar: 7')).toBeInTheDocument();

    const [noMatch, overpayment, ambiguous, reversal, nothingToClaim, notSek, payout] = items;
    expect(noMatch).toHaveTextContent('1 250,00 kr · Okänd betalare');
    expect(noMatch).toHaveTextContent('Vi hittade ingen faktura som betalningen passar.');
    expect(noMatch).toHaveTextContent('Meddelande: ”Tack för senast”');
    expect(noMatch).toHaveTextContent('Bokförd2026-11-18');
    expect(overpayment).toHaveTextContent('Kalle Svensson');
    expect(overpayment).toHaveTextContent('Betalningen är större än det som är kvar att betala på fakturan.');
    expect(overpayment).toHaveTextContent('OCR 10017');
    expect(overpayment).toHaveTextContent('Fakturanummer 1001');
    expect(overpayment).toHaveTextContent('FörslagFaktura 1001');
    expect(ambiguous).toHaveTextContent('Betalningen passar flera fakturor – välj vilken den hör till.');
    expect(ambiguous).toHaveTextContent('Faktura 1004');
    expect(reversal).toHaveTextContent('Banken har återfört en insättning: pengar har gått tillbaka.');
    expect(reversal).toHaveTextContent('En återföring kan bara avfärdas.');
    expect(within(reversal).queryByRole('button', { name: /Matcha/ })).toBeNull();
    expect(within(reversal).getByRole('button', { name: 'Avfärda betalning BANK-0004' })).toBeInTheDocument();
    expect(nothingToClaim).toHaveTextContent('Fakturan som betalningen pekar på är redan betald.');
    expect(notSek).toHaveTextContent('Betalningen är inte i svenska kronor.');
    expect(notSek).toHaveTextContent('99,00 EUR (inte i kronor)');
    expect(payout).toHaveTextContent('Det ser ut som en utbetalning från inkassopartnern, men beloppet stämmer inte med utbetalningen.');
    expect(payout).toHaveTextContent('Utbetalning AMILI-PO-77 från inkassopartnern (1 512,34 kr)');
    for (const reference of ['BANK-0001', 'BANK-0002', 'BANK-0003', 'BANK-0005', 'BANK-0006', 'BANK-0007']) {
      expect(screen.getByRole('button', { name: `Matcha betalning ${reference}` })).toBeInTheDocument();
      expect(screen.getByRole('button', { name: `Avfärda betalning ${reference}` })).toBeInTheDocument();
    }
    expect(screen.queryByText(/no_match|payout_mismatch|not_sek/)).toBeNull();
  });

  it('says so when the queue is empty, in English too', async () => {
    renderWithApp(<PaymentsPage />, paymentRoutes(), { language: 'en' });
    expect(await screen.findByText('The queue is empty – every payment is placed.')).toBeInTheDocument();
  });

  it('shows a failing load as its message with a retry', async () => {
    renderWithApp(<PaymentsPage />, paymentRoutes({ 'GET /api/payments/unmatched': { status: 403, body: { code: 'AUTH.COMPANY_REQUIRED', message: 'This request needs a token for a company.' } } }));
    expect(await screen.findByText('This request needs a token for a company.')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Försök igen' }).length).toBeGreaterThan(0);
  });

  it('pages through a long queue', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(
      <PaymentsPage />,
      paymentRoutes({ 'GET /api/payments/unmatched': ({ url }) => ({ body: { ...queuePage([queued({ bankReference: `BANK-P${url.searchParams.get('page')}` })], 45), page: Number(url.searchParams.get('page')) } }) }),
    );
    expect(await screen.findByText('Sida 1 av 3')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Nästa sida' }));
    expect(await screen.findByRole('button', { name: 'Matcha betalning BANK-P2' })).toBeInTheDocument();
    expect(screen.getByText('Sida 2 av 3')).toBeInTheDocument();
    expect(requests.filter((r) => r.path === '/api/payments/unmatched').map((r) => r.query.get('pageSize'))).toContain('20');
  });
});

describe('Matching a payment by hand', () => {
  it('places it on the suggested invoice, showing what the invoice has left, and reloads the queue', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/unmatched': queueOnce([queued({ reason: 'ambiguous', suggestion: '1001' })]),
        'GET /api/invoices': { body: { items: [invoice('1001', 125_000), invoice('1009', 125_000, 'Karin Berg')], total: 2, page: 1, pageSize: 10 } },
        'POST /api/payments/11111111-1111-4111-8111-111111111111/match': { status: 201, body: { paymentId: '1', outcome: 'matched', allocations: [{ invoiceNumber: '1001', amountOre: 125_000 }], overpaymentOre: 0 } },
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Matcha betalning BANK-0003' }));
    const dialog = await dialogNamed('Matcha betalning BANK-0003');
    expect(within(dialog).getByLabelText('Sök faktura')).toHaveValue('1001');
    const option = await within(dialog).findByRole('radio', { name: /^1001 · Kalle Svensson · kvar att betala 1\s250,00 kr$/ });
    expect(option).toBeChecked();
    expect(requests.find((r) => r.path === '/api/invoices')!.query.get('q')).toBe('1001');
    expect(dialog).toHaveTextContent('Faktura 1001 har 1 250,00 kr kvar att betala. Betalningen är 1 250,00 kr. Fakturan blir helt betald.');

    await user.click(within(dialog).getByRole('button', { name: 'Matcha betalningen' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({ invoiceNumber: '1001' });
    const notice = await screen.findByRole('status');
    expect(notice).toHaveTextContent('Betalningen BANK-0003 är placerad på faktura 1001.');
    await waitFor(() => expect(notice).toHaveFocus());
    expect(await screen.findByText('Kön är tom – alla betalningar är placerade.')).toBeInTheDocument();
  });

  it('lets you search for another invoice and asks for a choice first', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/unmatched': queueOnce([queued({ reason: 'no_match', suggestion: null, references: [] })]),
        'GET /api/invoices': ({ url }) => ({ body: { items: url.searchParams.get('q') === 'Berg' ? [invoice('1009', 200_000, 'Karin Berg')] : [], total: 1, page: 1, pageSize: 10 } }),
        'POST /api/payments/11111111-1111-4111-8111-111111111111/match': { status: 201, body: { paymentId: '1', outcome: 'partlyMatched', allocations: [{ invoiceNumber: '1009', amountOre: 125_000 }], overpaymentOre: 0 } },
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Matcha betalning BANK-0003' }));
    const dialog = await dialogNamed('Matcha betalning BANK-0003');
    await user.click(within(dialog).getByRole('button', { name: 'Matcha betalningen' }));
    expect(within(dialog).getByText('Välj en faktura först.')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Sök faktura'), 'Berg');
    await user.click(await within(dialog).findByRole('radio', { name: /1009 · Karin Berg/ }));
    expect(dialog).toHaveTextContent('Efteråt är 750,00 kr kvar att betala.');
    await user.click(within(dialog).getByRole('button', { name: 'Matcha betalningen' }));
    expect(await screen.findByText('Betalningen BANK-0003 är placerad på faktura 1009. Det finns fortfarande något kvar att betala.')).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({ invoiceNumber: '1009' });
  });

  it('explains a refused overpayment and offers to settle the invoice and keep the rest as credit', async () => {
    const user = userEvent.setup();
    const bodies: unknown[] = [];
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/unmatched': queueOnce([queued()]),
        'GET /api/invoices': { body: { items: [invoice('1001', 100_000)], total: 1, page: 1, pageSize: 10 } },
        'POST /api/payments/11111111-1111-4111-8111-111111111111/match': ({ body }) => {
          bodies.push(body);
          return (body as { acceptOverpayment?: boolean }).acceptOverpayment
            ? { status: 201, body: { paymentId: '1', outcome: 'matched', allocations: [{ invoiceNumber: '1001', amountOre: 100_000 }], overpaymentOre: 25_000 } }
            : {
                status: 422,
                body: {
                  code: 'PAYMENT.EXCEEDS_REMAINING',
                  message: 'The payment (1 250,00 kr) is more than invoice 1001 has left to pay (1 000,00 kr).',
                  details: { remainingClaimOre: 100_000, overpaymentOre: 25_000 },
                },
              };
        },
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Matcha betalning BANK-0003' }));
    const dialog = await dialogNamed('Matcha betalning BANK-0003');
    await within(dialog).findByRole('radio', { name: /1001/ });
    expect(dialog).toHaveTextContent('Betalningen är 250,00 kr mer än det som är kvar.');
    await user.click(within(dialog).getByRole('button', { name: 'Matcha betalningen' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Faktura 1001 har 1 000,00 kr kvar att betala, men betalningen är 1 250,00 kr.');
    expect(alert).toHaveTextContent('Du kan reglera fakturan och spara resten, 250,00 kr, som kundens tillgodohavande.');
    const accept = within(dialog).getByRole('button', { name: 'Reglera fakturan och spara resten som tillgodo' });
    expect(accept).toHaveFocus();
    await user.click(accept);
    expect(bodies).toEqual([{ invoiceNumber: '1001' }, { invoiceNumber: '1001', acceptOverpayment: true }]);
    expect(await screen.findByText('Betalningen BANK-0003 är placerad på faktura 1001. 250,00 kr sparas som kundens tillgodohavande.')).toBeInTheDocument();
  });

  it('can go back from the overpayment offer to choose another invoice', async () => {
    const user = userEvent.setup();
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/unmatched': queueOnce([queued()]),
        'GET /api/invoices': { body: { items: [invoice('1001', 100_000)], total: 1, page: 1, pageSize: 10 } },
        'POST /api/payments/11111111-1111-4111-8111-111111111111/match': { status: 422, body: { code: 'PAYMENT.EXCEEDS_REMAINING', message: 'Too much.', details: { remainingClaimOre: 100_000, overpaymentOre: 25_000 } } },
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Matcha betalning BANK-0003' }));
    const dialog = await dialogNamed('Matcha betalning BANK-0003');
    await within(dialog).findByRole('radio', { name: /1001/ });
    await user.click(within(dialog).getByRole('button', { name: 'Matcha betalningen' }));
    await user.click(await within(dialog).findByRole('button', { name: 'Välj en annan faktura' }));
    expect(within(dialog).getByLabelText('Sök faktura')).toHaveFocus();
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });

  it('shows another refusal as the API says it', async () => {
    const user = userEvent.setup();
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/unmatched': queueOnce([queued()]),
        'GET /api/invoices': { body: { items: [invoice('1001', 100_000)], total: 1, page: 1, pageSize: 10 } },
        'POST /api/payments/11111111-1111-4111-8111-111111111111/match': { status: 409, body: { code: 'PAYMENT.SOMETHING_NEW', message: 'The payment has been placed already.' } },
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Matcha betalning BANK-0003' }));
    const dialog = await dialogNamed('Matcha betalning BANK-0003');
    await within(dialog).findByRole('radio', { name: /1001/ });
    await user.click(within(dialog).getByRole('button', { name: 'Matcha betalningen' }));
    expect(await within(dialog).findByText('The payment has been placed already.')).toBeInTheDocument();
  });

  it('splits over several invoices only when the parts add up to the payment', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/unmatched': queueOnce([queued({ amountOre: 150_000, reason: 'ambiguous' })]),
        'GET /api/invoices': { body: { items: [invoice('1001', 100_000), invoice('1002', 80_000, 'Kalle Svensson')], total: 2, page: 1, pageSize: 10 } },
        'POST /api/payments/11111111-1111-4111-8111-111111111111/match': ({ body }) => ({
          status: 201,
          body: { paymentId: '1', outcome: 'matched', ...(body as object) },
        }),
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Matcha betalning BANK-0003' }));
    const dialog = await dialogNamed('Matcha betalning BANK-0003');
    await user.click(within(dialog).getByRole('radio', { name: 'Delad på flera fakturor' }));
    const send = within(dialog).getByRole('button', { name: 'Fördela betalningen' });
    const sum = within(dialog).getByTestId('split-sum');
    expect(send).toBeDisabled();
    expect(sum).toHaveTextContent('Fördelat 0,00 kr av 1 500,00 kr. Kvar att fördela: 1 500,00 kr.');

    await user.click(await within(dialog).findByRole('button', { name: 'Lägg till faktura 1001' }));
    expect(within(dialog).getByLabelText('Faktura, rad 1')).toHaveValue('1001');
    expect(within(dialog).getByLabelText('Belopp i kronor, rad 1')).toHaveValue('1000,00');
    expect(within(dialog).getByText('Kvar att betala: 1 000,00 kr')).toBeInTheDocument();
    expect(sum).toHaveTextContent('Fördelat 1 000,00 kr av 1 500,00 kr. Kvar att fördela: 500,00 kr.');
    expect(send).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Lägg till faktura 1001' })).toBeDisabled();

    await user.click(within(dialog).getByRole('button', { name: 'Lägg till faktura 1002' }));
    expect(within(dialog).getByLabelText('Belopp i kronor, rad 2')).toHaveValue('500,00');
    expect(sum).toHaveTextContent('Summan stämmer.');
    expect(send).toBeEnabled();

    const second = within(dialog).getByLabelText('Belopp i kronor, rad 2');
    await user.clear(second);
    await user.type(second, '600');
    expect(sum).toHaveTextContent('Det är 100,00 kr för mycket.');
    expect(send).toBeDisabled();
    await user.clear(second);
    await user.type(second, '12,345');
    expect(within(dialog).getByText('Skriv beloppet i kronor, till exempel 1 250,50.')).toBeInTheDocument();
    expect(second).toHaveAttribute('aria-invalid', 'true');
    expect(send).toBeDisabled();
    await user.clear(second);
    await user.type(second, '400');
    await user.type(within(dialog).getByLabelText('Spara som kundens tillgodo (kronor, valfritt)'), '100');
    expect(sum).toHaveTextContent('Fördelat 1 500,00 kr av 1 500,00 kr. Summan stämmer.');
    expect(send).toBeEnabled();

    await user.click(send);
    expect(await screen.findByText('Betalningen BANK-0003 är placerad på faktura 1001, 1002. 100,00 kr sparas som kundens tillgodohavande.')).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({
      allocations: [
        { invoiceNumber: '1001', amountOre: 100_000 },
        { invoiceNumber: '1002', amountOre: 40_000 },
      ],
      overpaymentOre: 10_000,
    });
  });

  it('in a split, takes typed invoice numbers, flags a repeated one, and removes lines', async () => {
    const user = userEvent.setup();
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({ 'GET /api/payments/unmatched': queueOnce([queued({ amountOre: 30_000, suggestion: null, references: [] })]), 'GET /api/invoices': { body: { items: [], total: 0, page: 1, pageSize: 10 } } }),
      { language: 'en' },
    );
    await user.click(await screen.findByRole('button', { name: 'Match payment BANK-0003' }));
    const dialog = await dialogNamed('Match payment BANK-0003');
    await user.click(within(dialog).getByRole('radio', { name: 'Split over several invoices' }));
    await user.type(within(dialog).getByLabelText('Amount in kronor, line 1'), '100');
    expect(within(dialog).getByText('Write the invoice number.')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Invoice, line 1'), '2001');
    await user.click(within(dialog).getByRole('button', { name: 'Add a line' }));
    await user.type(within(dialog).getByLabelText('Invoice, line 2'), '2001');
    await user.type(within(dialog).getByLabelText('Amount in kronor, line 2'), '200.00');
    const sum = within(dialog).getByTestId('split-sum');
    expect(sum).toHaveTextContent('Placed SEK 300.00 of SEK 300.00. The parts add up. Invoice 2001 is listed more than once.');
    expect(within(dialog).getByRole('button', { name: 'Split the payment' })).toBeDisabled();
    await user.click(within(dialog).getByRole('button', { name: 'Remove line 2' }));
    expect(within(dialog).queryByLabelText('Invoice, line 2')).toBeNull();
    expect(sum).toHaveTextContent('Still to place: SEK 200.00.');
  });
});

describe('Dismissing a payment', () => {
  it('needs a reason, then dismisses it and reloads the queue', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/unmatched': queueOnce([queued()]),
        'POST /api/payments/11111111-1111-4111-8111-111111111111/dismiss': { status: 204 },
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Avfärda betalning BANK-0003' }));
    const dialog = await dialogNamed('Avfärda betalning BANK-0003');
    await user.click(within(dialog).getByRole('button', { name: 'Avfärda betalningen' }));
    expect(within(dialog).getByText('Skriv varför betalningen avfärdas.')).toBeInTheDocument();
    const reason = within(dialog).getByLabelText('Anledning');
    expect(reason).toHaveFocus();
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await user.type(reason, 'Återbetald till kunden');
    await user.click(within(dialog).getByRole('button', { name: 'Avfärda betalningen' }));
    expect(await screen.findByText('Betalningen BANK-0003 är avfärdad.')).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({ reason: 'Återbetald till kunden' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await screen.findByText('Kön är tom – alla betalningar är placerade.')).toBeInTheDocument();
  });

  it('explains that a reversal can only be dismissed, and closes on Cancel', async () => {
    const user = userEvent.setup();
    renderWithApp(<PaymentsPage />, paymentRoutes({ 'GET /api/payments/unmatched': { body: queuePage([queued({ reversal: true, reason: 'reversal', suggestion: null })]) } }), { language: 'en' });
    const open = await screen.findByRole('button', { name: 'Dismiss payment BANK-0003' });
    await user.click(open);
    const dialog = await dialogNamed('Dismiss payment BANK-0003');
    expect(dialog).toHaveTextContent('This is a reversal: the bank has taken money back. It cannot be placed on an invoice, only dismissed.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(open).toHaveFocus();
  });

  it('shows a refused dismissal as its message', async () => {
    const user = userEvent.setup();
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/unmatched': { body: queuePage([queued()]) },
        'POST /api/payments/11111111-1111-4111-8111-111111111111/dismiss': { status: 409, body: { code: 'PAYMENT.ALREADY_MATCHED', message: 'The payment has been placed already.' } },
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Avfärda betalning BANK-0003' }));
    const dialog = await dialogNamed('Avfärda betalning BANK-0003');
    await user.type(within(dialog).getByLabelText('Anledning'), 'Dubblett');
    await user.click(within(dialog).getByRole('button', { name: 'Avfärda betalningen' }));
    expect(await within(dialog).findByText('Betalningen är redan placerad på en faktura.')).toBeInTheDocument();
  });
});
