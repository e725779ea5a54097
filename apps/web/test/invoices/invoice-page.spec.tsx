import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { InvoicePage } from '../../src/features/invoice/InvoicePage';
import { renderWithApp } from '../support/render';
import { CASE_ID, auditEntry, caseView, invoice, preview } from './fixtures';

const IN_CASE = invoice('1001', {
  status: 'reminder_sent',
  caseId: CASE_ID,
  sentAt: '2026-11-02T09:30:00Z',
  partnerCaseId: 'am_77',
  portalUrl: 'http://partner.test/portal/cases/am_77',
  allowedActions: ['close_case', 'pause_case', 'register_payment', 'open_in_portal'],
  version: 4,
});

const EVENTS = [
  auditEntry('ReminderCaseRequested', 2, { claimOre: 125_000 }, { actor: { kind: 'user', id: 'u1' } }),
  auditEntry('ReminderCaseRegistered', 3, { partnerCaseId: 'am_77' }, { actor: { kind: 'partner', id: 'am_77' }, occurredAt: '2026-11-02T09:31:00Z' }),
  auditEntry('ReminderCaseReminderSent', 4, { sentOn: '2026-11-03', feeOre: 6_000 }, { actor: { kind: 'partner', id: 'am_77' }, occurredAt: '2026-11-03T07:00:00Z' }),
];

const routes = (rest = {}) => ({
  'GET /api/invoices/1001': { body: IN_CASE },
  [`GET /api/cases/${CASE_ID}`]: { body: caseView() },
  [`GET /api/cases/${CASE_ID}/events`]: { body: { caseId: CASE_ID, events: EVENTS } },
  ...rest,
});

describe('The invoice and case view', () => {
  beforeEach(() => window.history.replaceState(null, '', '/invoices/1001'));

  it('shows the invoice, its case with the next step and expected claim, and the allowed actions as buttons', async () => {
    renderWithApp(<InvoicePage invoiceNumber="1001" />, routes());
    const details = within(await screen.findByRole('region', { name: 'Uppgifter' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Faktura 1001' })).toBeInTheDocument();
    expect(details.getByText('Anna Lindqvist')).toBeInTheDocument();
    expect(details.getByText('19640823-3234')).toBeInTheDocument();
    expect(details.getByText('10017')).toBeInTheDocument();
    expect(details.getByText('2026-10-01')).toBeInTheDocument();
    const heading = screen.getByRole('heading', { level: 1 }).parentElement!;
    expect(within(heading).getByText('Påminnelse skickad')).toHaveClass('chip');

    expect(screen.getByRole('button', { name: 'Avsluta ärende' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pausa ärende' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Registrera betalning' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Öppna i inkassopartnerns portal/ })).toHaveAttribute('href', 'http://partner.test/portal/cases/am_77');
    expect(screen.queryByRole('button', { name: 'Skicka till påminnelsehantering' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Kreditera faktura' })).toBeNull();

    const theCase = within(screen.getByRole('region', { name: 'Ärendet hos inkassopartnern' }));
    expect(await theCase.findByTestId('next-step')).toHaveTextContent('Inkassokrav skickas, omkring 2026-11-15');
    expect(theCase.getByText('am_77')).toBeInTheDocument();
    const expected = within(theCase.getByTestId('expected-claim'));
    expect(expected.getByText('15,00 kr')).toBeInTheDocument();
    expect(expected.getByText('Påminnelseavgift')).toBeInTheDocument();
    expect(expected.getByText('1 325,00 kr')).toBeInTheDocument();
  });

  it('lists every case event in words — who, when, what, why — under the next planned step', async () => {
    renderWithApp(
      <InvoicePage invoiceNumber="1001" />,
      routes({
        [`GET /api/cases/${CASE_ID}/events`]: {
          body: {
            caseId: CASE_ID,
            events: [
              ...EVENTS,
              auditEntry('ReminderCasePaused', 5, { until: '2026-12-01', reason: 'Kunden väntar på lön' }, { reason: 'Kunden väntar på lön' }),
              auditEntry('ReminderCaseResumed', 6, { resumedStage: 'reminder_sent', automatic: true }, { actor: { kind: 'system', id: 'pause-expiry' } }),
              auditEntry('PaymentRegistered', 7, { amountOre: 25_000, source: 'bank', paymentId: 'p1', remainingClaimOre: 100_000 }, { actor: { kind: 'bank', id: 'camt-2026-11-20' } }),
              auditEntry('ReminderCaseDisputed', 8, { on: '2026-11-21', reason: 'Arbetet är inte utfört' }, { actor: { kind: 'partner', id: 'am_77' } }),
              auditEntry('SomethingNew', 9),
            ],
          },
        },
      }),
    );
    const timeline = within(await screen.findByTestId('timeline'));
    const items = timeline.getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Planerat Inkassokrav skickas');
    expect(items[0]).toHaveTextContent('omkring 2026-11-15');
    expect(items[1]).toHaveTextContent('Händelse: SomethingNew');
    expect(items[2]).toHaveTextContent('Kunden har bestridit kravet – indrivningen är stoppad');
    expect(items[2]).toHaveTextContent('Av inkassopartnern (am_77)');
    expect(items[2]).toHaveTextContent('Anledning: Arbetet är inte utfört');
    expect(items[3]).toHaveTextContent('Betalning på 250,00 kr registrerad (från banken)');
    expect(items[3]).toHaveTextContent('Av banken (camt-2026-11-20)');
    expect(items[4]).toHaveTextContent('Återupptaget när pausen tog slut');
    expect(items[4]).toHaveTextContent('Av systemet (pause-expiry)');
    expect(items[5]).toHaveTextContent('Pausat till och med 2026-12-01');
    expect(items[5]).toHaveTextContent('Anledning: Kunden väntar på lön');
    expect(items[6]).toHaveTextContent('Påminnelse skickad till kunden den 2026-11-03 (avgift 60,00 kr)');
    expect(items[7]).toHaveTextContent('Registrerad hos inkassopartnern (ärende am_77)');
    expect(items[8]).toHaveTextContent('Skickad till påminnelsehantering, 1 250,00 kr att kräva');
    expect(items[8]).toHaveTextContent('Av användare u1');
    expect(within(items[8]).getByText(/2026/).tagName).toBe('TIME');
    expect(within(items[8]).getByText(/2026/)).toHaveAttribute('dateTime', '2026-11-02T09:30:00Z');
  });

  it("names the partner's case when its registration answer came after the case was closed", async () => {
    renderWithApp(
      <InvoicePage invoiceNumber="1001" />,
      routes({
        [`GET /api/cases/${CASE_ID}/events`]: {
          body: {
            caseId: CASE_ID,
            events: [
              EVENTS[0],
              auditEntry('ReminderCaseClosed', 3, { reason: 'Kunden betalade direkt' }, { reason: 'Kunden betalade direkt' }),
              auditEntry('ReminderCaseRegisteredAfterEnd', 4, { partnerCaseId: 'am_78' }, { actor: { kind: 'partner', id: 'am_78' } }),
            ],
          },
        },
      }),
    );
    const timeline = within(await screen.findByTestId('timeline'));
    const late = timeline.getAllByRole('listitem').find((item) => item.textContent?.includes('am_78'));
    expect(late).toHaveTextContent('Inkassopartnerns svar kom först när ärendet redan var avslutat här; hos partnern har det nummer am_78');
    expect(late).toHaveTextContent('Av inkassopartnern (am_78)');
  });

  it('shows a ROT invoice with what is claimed and whether Skatteverket can be asked', async () => {
    renderWithApp(<InvoicePage invoiceNumber="1003" />, {
      'GET /api/invoices/1003': {
        body: invoice('1003', { totalOre: 4_200_000, customerShareOre: 3_300_000, claimOre: 3_300_000, taxReduction: { type: 'ROT', amountOre: 900_000, readyForSkatteverket: false } }),
      },
    });
    const details = within(await screen.findByRole('region', { name: 'Uppgifter' }));
    expect(details.getByText('ROT: 9 000,00 kr')).toBeInTheDocument();
    expect(details.getAllByText('33 000,00 kr')).toHaveLength(2);
    expect(details.getByTestId('skatteverket')).toHaveTextContent('först när kunden har betalat sin del');
    expect(screen.getByText('Fakturan har inte skickats till påminnelsehantering.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Skicka till påminnelsehantering' })).toBeInTheDocument();
  });

  it('sends from the invoice view and then follows the new case', async () => {
    const user = userEvent.setup();
    let sent = false;
    renderWithApp(<InvoicePage invoiceNumber="1001" />, {
      ...routes(),
      'GET /api/invoices/1001': () => ({ body: sent ? { ...IN_CASE, status: 'requested', version: 2 } : invoice('1001') }),
      'POST /api/reminder-cases/preview': { body: { items: [preview('1001')] } },
      'POST /api/invoices/1001/reminder-case': () => {
        sent = true;
        return { status: 201, body: { caseId: CASE_ID } };
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Skicka till påminnelsehantering' }));
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('send-claim');
    await user.click(within(dialog).getByRole('button', { name: 'Bekräfta och skicka' }));
    expect(await screen.findByText('Faktura 1001 är skickad till påminnelsehantering.')).toBeInTheDocument();
    expect(await screen.findByTestId('timeline')).toBeInTheDocument();
    expect(within(screen.getByRole('heading', { level: 1 }).parentElement!).getByText('Skickad')).toBeInTheDocument();
  });

  it('updates live: the invoice, the case, and its timeline', async () => {
    let events = EVENTS;
    const { live } = renderWithApp(<InvoicePage invoiceNumber="1001" />, routes({ [`GET /api/cases/${CASE_ID}/events`]: () => ({ body: { caseId: CASE_ID, events } }) }));
    await screen.findByTestId('timeline');
    events = [...EVENTS, auditEntry('ReminderCaseDebtCollectionStarted', 5, { sentOn: '2026-11-15', feeOre: 18_000 }, { actor: { kind: 'partner', id: 'am_77' } })];
    act(() => {
      live.push({ type: 'invoice.changed', data: { ...IN_CASE, status: 'debt_collection', version: 5 } });
      live.push({ type: 'case.changed', data: caseView({ status: 'debt_collection', stage: 'debt_collection', debtCollectionOn: '2026-11-15', nextStep: { step: 'decision', expectedOn: '2026-11-25' } }) });
    });
    expect(within(screen.getByRole('heading', { level: 1 }).parentElement!).getByText('Inkasso')).toBeInTheDocument();
    expect(screen.getByTestId('live-announcement')).toHaveTextContent('Faktura 1001 har nu status: Inkasso');
    expect(screen.getByTestId('next-step')).toHaveTextContent('Beslut om nästa steg (Kronofogden eller bevakning), omkring 2026-11-25');
    await waitFor(() => expect(screen.getByTestId('timeline')).toHaveTextContent('Inkassokrav skickat till kunden den 2026-11-15 (avgift 180,00 kr)'));
  });

  it("shows the API's message for an invoice that does not exist", async () => {
    renderWithApp(<InvoicePage invoiceNumber="4040" />, { 'GET /api/invoices/4040': { status: 404, body: { code: 'INVOICE.NOT_FOUND', message: 'There is no invoice with this number.' } } });
    expect(await screen.findByRole('alert')).toHaveTextContent('Fakturan finns inte.');
    expect(screen.getByRole('link', { name: 'Tillbaka till fakturorna' })).toBeInTheDocument();
  });
});
