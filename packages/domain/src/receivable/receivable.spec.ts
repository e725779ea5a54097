import { spec } from '../testing/spec';
import { fold } from '../shared/decider';
import { type InvoiceDetails } from './invoice';
import {
  type ReceivableCommand,
  type ReceivableEvent,
  allowedActions,
  caseEventsOf,
  invoiceStatus,
  receivableDecider,
  remainingClaimOre,
} from './receivable';

const now = '2026-11-23T10:00:00.000Z'; // a Monday
const user = { kind: 'user' as const, id: 'anna' };
const partner = { kind: 'partner' as const, id: 'amili' };
const system = { kind: 'system' as const, id: 'scheduler' };

const invoice: InvoiceDetails = {
  invoiceNumber: '1001',
  invoiceDate: '2026-10-01',
  dueDate: '2026-10-31', // a Saturday: payable on time until Monday 2 November
  currency: 'SEK',
  totalOre: 1_250_00,
  vatOre: 250_00,
  ocr: '10017',
  customer: {
    name: 'Kalle Svensson',
    identityNumber: '19811218-9876',
    isCompany: false,
    email: 'kalle@example.se',
    address: { line1: 'Lillgatan 2', postalCode: '222 33', city: 'Lund', country: 'SE' },
  },
};

const received = (details: InvoiceDetails = invoice): ReceivableEvent => ({ type: 'InvoiceReceived', data: { invoice: details, receivedAt: now } });
const requested = (claimOre = 1_250_00, paidOre = 0): ReceivableEvent => ({
  type: 'ReminderCaseRequested',
  data: {
    caseId: 'case-1',
    claimOre,
    requestedAt: now,
    requestedBy: user,
    invoiceNumber: '1001',
    dueDate: '2026-10-31',
    lastDayToPay: '2026-11-02',
    customerShareOre: claimOre + paidOre,
    paidOre,
  },
});
const registered: ReceivableEvent = { type: 'ReminderCaseRegistered', data: { caseId: 'case-1', partnerCaseId: 'P-77', partnerOcr: '7700012' } };
const reminderSent: ReceivableEvent = { type: 'ReminderCaseReminderSent', data: { caseId: 'case-1', sentOn: '2026-11-24', feeOre: 60_00 } };
const debtCollection: ReceivableEvent = {
  type: 'ReminderCaseDebtCollectionStarted',
  data: { caseId: 'case-1', sentOn: '2026-12-06', feeOre: 180_00 },
};

const cmd = <C extends ReceivableCommand>(c: Omit<C, 'now' | 'actor'> & Partial<Pick<C, 'now' | 'actor'>>): C =>
  ({ now, actor: user, ...c }) as C;
const send = (data: Partial<{ companyActive: boolean; confirmedClaimOre: number }> = {}, at = now) =>
  cmd({ type: 'SendToReminderHandling', now: at, data: { caseId: 'case-1', companyActive: true, ...data } });
const pay = (amountOre: number, extra: Partial<{ reference: string; paymentId: string }> = {}) =>
  cmd({ type: 'RegisterPayment', data: { paymentId: extra.paymentId ?? `p-${amountOre}`, amountOre, paidOn: '2026-11-23', source: 'manual' as const, ...extra } });
const stage = (s: 'reminder_sent' | 'debt_collection' | 'decision_required' | 'enforcement' | 'surveillance', feeOre?: number) =>
  cmd({ type: 'RecordPartnerStage', actor: partner, data: { caseId: 'case-1', stage: s, on: '2026-11-24', feeOre } });

describe('Invoice as received from the invoicing program', () => {
  it('is received once, and an identical upsert changes nothing', () => {
    spec(receivableDecider).given([]).when(cmd({ type: 'UpsertInvoice', data: { invoice } })).then([received()]);
    spec(receivableDecider).given([received()]).when(cmd({ type: 'UpsertInvoice', data: { invoice: { ...invoice } } })).then([]);
  });
  it('records which fields changed', () => {
    spec(receivableDecider)
      .given([received()])
      .when(cmd({ type: 'UpsertInvoice', data: { invoice: { ...invoice, dueDate: '2026-11-15' } } }))
      .then([{ type: 'InvoiceUpdated', data: { invoice: { ...invoice, dueDate: '2026-11-15' }, changedFields: ['dueDate'] } }]);
  });
  it('refuses an invalid OCR reference', () => {
    spec(receivableDecider).given([]).when(cmd({ type: 'UpsertInvoice', data: { invoice: { ...invoice, ocr: '10018' } } })).thenThrows('INVOICE.INVALID_OCR');
  });
  it('refuses a tax reduction larger than the total, and buyers that do not add up', () => {
    const withReduction = (amountOre: number, buyers?: { identityNumber: string; amountOre: number }[]) =>
      cmd({ type: 'UpsertInvoice', data: { invoice: { ...invoice, taxReduction: { type: 'ROT' as const, amountOre, buyers } } } });
    spec(receivableDecider).given([]).when(withReduction(2_000_00)).thenThrows('INVOICE.INVALID_TAX_REDUCTION');
    spec(receivableDecider)
      .given([])
      .when(withReduction(300_00, [{ identityNumber: '19811218-9876', amountOre: 100_00 }]))
      .thenThrows('INVOICE.INVALID_TAX_REDUCTION');
    spec(receivableDecider)
      .given([])
      .when(withReduction(300_00, [{ identityNumber: '19811218-9875', amountOre: 300_00 }]))
      .thenThrows('INVOICE.INVALID_TAX_REDUCTION');
    spec(receivableDecider)
      .given([])
      .when(withReduction(300_00, [{ identityNumber: '19811218-9876', amountOre: 200_00 }, { identityNumber: '19640823-3234', amountOre: 100_00 }]))
      .then((events) => expect(events[0].type).toBe('InvoiceReceived'));
  });
  it('cannot change while a case is open', () => {
    spec(receivableDecider)
      .given([received(), requested()])
      .when(cmd({ type: 'UpsertInvoice', data: { invoice: { ...invoice, totalOre: 1_000_00 } } }))
      .thenThrows('INVOICE.LOCKED_BY_CASE');
  });
});

describe('Sending an overdue invoice to reminder handling', () => {
  it('opens a case claiming the remaining customer share', () => {
    spec(receivableDecider).given([received()]).when(send()).then([requested()]);
  });
  it('claims only the customer share of a ROT invoice, minus payments', () => {
    const rot = { ...invoice, taxReduction: { type: 'ROT' as const, amountOre: 300_00 } };
    const paid: ReceivableEvent = {
      type: 'PaymentRegistered',
      data: { paymentId: 'p1', amountOre: 200_00, paidOn: '2026-11-01', source: 'bank', remainingClaimOre: 750_00 },
    };
    const [event] = spec(receivableDecider).given([received(rot), paid]).when(send()).events();
    expect(event).toMatchObject({ type: 'ReminderCaseRequested', data: { claimOre: 750_00, customerShareOre: 950_00, paidOre: 200_00 } });
  });
  it('refuses when the company has not activated the service', () => {
    spec(receivableDecider).given([received()]).when(send({ companyActive: false })).thenThrows('COMPANY.NOT_ACTIVATED');
  });
  it('refuses an invoice in another currency than SEK', () => {
    spec(receivableDecider).given([received({ ...invoice, currency: 'EUR' })]).when(send()).thenThrows('INVOICE.CURRENCY_NOT_SEK');
  });
  it('refuses an invoice that is not overdue, counting the next bank day after a weekend due date', () => {
    // Due Saturday 31 Oct; Monday 2 Nov is still on time.
    spec(receivableDecider).given([received()]).when(send({}, '2026-11-02T22:59:00.000Z')).thenThrows('INVOICE.NOT_OVERDUE');
    spec(receivableDecider).given([received()]).when(send({}, '2026-11-02T23:00:00.000Z')).then([expect.objectContaining({ type: 'ReminderCaseRequested' })]);
  });
  it('refuses a due date on a weekend before a public holiday until the next bank day has passed', () => {
    // Due Saturday 26 Dec 2026 (annandag jul); Sunday; Monday 28 Dec is the first bank day.
    const christmas = received({ ...invoice, invoiceDate: '2026-12-01', dueDate: '2026-12-26' });
    const refusal = spec(receivableDecider).given([christmas]).when(send({}, '2026-12-28T15:00:00.000Z')).thenThrows('INVOICE.NOT_OVERDUE');
    expect(refusal.details).toEqual({ dueDate: '2026-12-26', lastDayToPay: '2026-12-28' });
    spec(receivableDecider).given([christmas]).when(send({}, '2026-12-29T08:00:00.000Z')).then((events) => expect(events).toHaveLength(1));
  });
  it('refuses a second open case on the same invoice', () => {
    spec(receivableDecider).given([received(), requested()]).when(send()).thenThrows('CASE.ALREADY_OPEN');
  });
  it('refuses a credited invoice', () => {
    const credited: ReceivableEvent = { type: 'InvoiceCredited', data: { creditedAt: now } };
    spec(receivableDecider).given([received(), credited]).when(send()).thenThrows('INVOICE.CREDITED');
  });
  it('refuses when the confirmed amount no longer matches', () => {
    spec(receivableDecider).given([received()]).when(send({ confirmedClaimOre: 1_000_00 })).thenThrows('CASE.CLAIM_CHANGED');
    spec(receivableDecider).given([received()]).when(send({ confirmedClaimOre: 1_250_00 })).then([requested()]);
  });
  it('refuses a customer abroad and an invalid identity number', () => {
    const abroad = { ...invoice, customer: { ...invoice.customer, address: { ...invoice.customer.address, country: 'DK' } } };
    spec(receivableDecider).given([received(abroad)]).when(send()).thenThrows('CUSTOMER.NOT_IN_SWEDEN');
    const wrongId = { ...invoice, customer: { ...invoice.customer, identityNumber: '19811218-9875' } };
    spec(receivableDecider).given([received(wrongId)]).when(send()).thenThrows('CUSTOMER.INVALID_IDENTITY_NUMBER');
  });
  it('can send again after a closed case', () => {
    const closed: ReceivableEvent = { type: 'ReminderCaseClosed', data: { caseId: 'case-1', reason: 'avtal', closedBy: user, endedAt: now } };
    const events = spec(receivableDecider)
      .given([received(), requested(), closed])
      .when(cmd({ type: 'SendToReminderHandling', data: { caseId: 'case-2', companyActive: true } }))
      .events();
    expect(events[0]).toMatchObject({ type: 'ReminderCaseRequested', data: { caseId: 'case-2' } });
  });
});

describe('Crediting', () => {
  it('is refused while a case is open, and allowed after it is closed', () => {
    spec(receivableDecider).given([received(), requested()]).when(cmd({ type: 'CreditInvoice', data: {} })).thenThrows('INVOICE.CASE_OPEN');
    const closed: ReceivableEvent = { type: 'ReminderCaseClosed', data: { caseId: 'case-1', reason: 'avtal', closedBy: user, endedAt: now } };
    spec(receivableDecider)
      .given([received(), requested(), closed])
      .when(cmd({ type: 'CreditInvoice', data: { reason: 'fel pris' } }))
      .then([{ type: 'InvoiceCredited', data: { creditedAt: now, reason: 'fel pris' } }]);
  });
  it('is refused twice and for an unknown invoice', () => {
    const credited: ReceivableEvent = { type: 'InvoiceCredited', data: { creditedAt: now } };
    spec(receivableDecider).given([received(), credited]).when(cmd({ type: 'CreditInvoice', data: {} })).thenThrows('INVOICE.ALREADY_CREDITED');
    spec(receivableDecider).given([]).when(cmd({ type: 'CreditInvoice', data: {} })).thenThrows('INVOICE.NOT_FOUND');
  });
});

describe('Payments', () => {
  it('a partial payment reduces the claim of the open case', () => {
    spec(receivableDecider)
      .given([received(), requested(), registered])
      .when(pay(250_00))
      .then([
        { type: 'PaymentRegistered', data: { paymentId: 'p-25000', amountOre: 250_00, paidOn: '2026-11-23', source: 'manual', remainingClaimOre: 1_000_00, caseId: 'case-1' } },
        { type: 'ReminderCasePartlyPaid', data: { caseId: 'case-1', paymentId: 'p-25000', amountOre: 250_00, remainingClaimOre: 1_000_00 } },
      ]);
  });
  it('a payment covering the remaining claim closes the case as paid', () => {
    const partly: ReceivableEvent[] = [
      { type: 'PaymentRegistered', data: { paymentId: 'p1', amountOre: 250_00, paidOn: '2026-11-20', source: 'bank', remainingClaimOre: 1_000_00, caseId: 'case-1' } },
      { type: 'ReminderCasePartlyPaid', data: { caseId: 'case-1', paymentId: 'p1', amountOre: 250_00, remainingClaimOre: 1_000_00 } },
    ];
    const given = [received(), requested(), registered, reminderSent, ...partly];
    const events = spec(receivableDecider).given(given).when(pay(1_000_00)).events();
    expect(events[1]).toEqual({ type: 'ReminderCasePaid', data: { caseId: 'case-1', paymentId: 'p-100000', paidOre: 1_250_00, endedAt: now } });
    const state = fold(receivableDecider, [...given, ...events]);
    expect(invoiceStatus(state, now)).toBe('paid');
    expect(remainingClaimOre(state)).toBe(0);
    // A paid invoice may still be credited (credit note and refund), but nothing is left to claim.
    expect(allowedActions(state, now)).toEqual(['credit_invoice', 'open_in_portal']);
  });
  it('marks a ROT invoice ready for the Skatteverket request once the customer share is paid', () => {
    const rot = { ...invoice, taxReduction: { type: 'ROT' as const, amountOre: 300_00 } };
    const events = spec(receivableDecider).given([received(rot)]).when(pay(950_00)).events();
    expect(events.map((e) => e.type)).toEqual(['PaymentRegistered', 'TaxReductionClaimReady']);
    expect(events[1].data).toEqual({ type: 'ROT', amountOre: 300_00, readyOn: '2026-11-23' });
  });
  it('refuses an overpayment, a duplicate reference and a non-positive amount', () => {
    spec(receivableDecider).given([received()]).when(pay(2_000_00)).thenThrows('PAYMENT.EXCEEDS_REMAINING');
    const first = spec(receivableDecider).given([received()]).when(pay(100_00, { reference: 'BANK-1' })).events();
    spec(receivableDecider).given([received(), ...first]).when(pay(100_00, { reference: 'BANK-1', paymentId: 'other' })).thenThrows('PAYMENT.DUPLICATE');
    spec(receivableDecider).given([received()]).when(pay(0)).thenThrows('PAYMENT.INVALID_AMOUNT');
  });
});

describe('The case lifecycle driven by the partner', () => {
  const open = [received(), requested()];
  it('registered → reminder sent → debt collection → decision → Kronofogden → surveillance', () => {
    const steps = [
      cmd({ type: 'RecordPartnerRegistration', actor: partner, data: { caseId: 'case-1', partnerCaseId: 'P-77', partnerOcr: '7700012' } }),
      stage('reminder_sent', 60_00),
      stage('debt_collection', 180_00),
      stage('decision_required'),
      stage('enforcement'),
      stage('surveillance'),
    ];
    const history: ReceivableEvent[] = [...open];
    const statuses: string[] = [];
    for (const step of steps) {
      history.push(...receivableDecider.decide(step, fold(receivableDecider, history)));
      statuses.push(invoiceStatus(fold(receivableDecider, history), now));
    }
    expect(statuses).toEqual(['registered', 'reminder_sent', 'debt_collection', 'decision_required', 'enforcement', 'surveillance']);
    expect(fold(receivableDecider, history).currentCase?.feesOre).toBe(240_00);
  });
  it('a repeated partner report is ignored, a step backwards is refused', () => {
    spec(receivableDecider).given([...open, registered, reminderSent]).when(stage('reminder_sent')).then([]);
    spec(receivableDecider).given([...open, registered, reminderSent, debtCollection]).when(stage('reminder_sent')).thenThrows('CASE.INVALID_TRANSITION');
  });
  it('a dispute freezes collection until it is resolved, then the case returns to its stage', () => {
    const disputed = spec(receivableDecider)
      .given([...open, registered, reminderSent])
      .when(cmd({ type: 'RecordDispute', actor: partner, data: { caseId: 'case-1', on: '2026-11-25', reason: 'Fel belopp' } }))
      .events();
    expect(invoiceStatus(fold(receivableDecider, [...open, registered, reminderSent, ...disputed]), now)).toBe('disputed');
    spec(receivableDecider).given([...open, registered, reminderSent, ...disputed]).when(stage('debt_collection')).thenThrows('CASE.DISPUTED');
    spec(receivableDecider)
      .given([...open, registered, reminderSent, ...disputed])
      .when(cmd({ type: 'RecordDisputeResolved', actor: partner, data: { caseId: 'case-1', on: '2026-12-01' } }))
      .then([{ type: 'ReminderCaseDisputeResolved', data: { caseId: 'case-1', on: '2026-12-01', resumedStage: 'reminder_sent' } }]);
  });
  it('the partner may reject a case it cannot take, with its reason', () => {
    spec(receivableDecider)
      .given([...open])
      .when(cmd({ type: 'RecordPartnerRejection', actor: partner, data: { caseId: 'case-1', reason: 'Adress saknas' } }))
      .then([{ type: 'ReminderCaseRejected', data: { caseId: 'case-1', reason: 'Adress saknas', endedAt: now } }]);
    spec(receivableDecider)
      .given([...open, registered, reminderSent, debtCollection])
      .when(cmd({ type: 'RecordPartnerRejection', actor: partner, data: { caseId: 'case-1', reason: 'x' } }))
      .thenThrows('CASE.INVALID_TRANSITION');
  });
  it('crediting at the partner ends the case and credits the invoice together', () => {
    const events = spec(receivableDecider)
      .given([...open, registered])
      .when(cmd({ type: 'RecordPartnerCrediting', actor: partner, data: { caseId: 'case-1' } }))
      .events();
    expect(events.map((e) => e.type)).toEqual(['ReminderCaseCredited', 'InvoiceCredited']);
    expect(invoiceStatus(fold(receivableDecider, [...open, registered, ...events]), now)).toBe('credited');
  });
  it('a write-off ends the case', () => {
    spec(receivableDecider)
      .given([...open, registered, reminderSent, debtCollection])
      .when(cmd({ type: 'RecordWriteOff', actor: partner, data: { caseId: 'case-1', reason: 'Konkurs' } }))
      .then([{ type: 'ReminderCaseWrittenOff', data: { caseId: 'case-1', reason: 'Konkurs', endedAt: now } }]);
  });
  it('an unknown partner status marks the case as needing attention, once, until a known step arrives', () => {
    const unknown = cmd({ type: 'RecordUnknownPartnerStatus', actor: partner, data: { caseId: 'case-1', rawState: 'legal_hold' } });
    const events = spec(receivableDecider).given([...open, registered]).when(unknown).events();
    const marked = [...open, registered, ...events];
    expect(invoiceStatus(fold(receivableDecider, marked), now)).toBe('needs_attention');
    spec(receivableDecider).given(marked).when(unknown).then([]);
    expect(invoiceStatus(fold(receivableDecider, [...marked, reminderSent]), now)).toBe('reminder_sent');
  });
  it('partner steps for another case or an ended case are refused', () => {
    spec(receivableDecider)
      .given([...open])
      .when(cmd({ type: 'RecordPartnerRegistration', actor: partner, data: { caseId: 'other', partnerCaseId: 'P-1' } }))
      .thenThrows('CASE.NOT_FOUND');
    const closed: ReceivableEvent = { type: 'ReminderCaseClosed', data: { caseId: 'case-1', reason: 'betalt direkt', closedBy: user, endedAt: now } };
    spec(receivableDecider).given([...open, closed]).when(stage('reminder_sent')).thenThrows('CASE.ALREADY_ENDED');
  });
  it("keeps the partner's reference when its registration answer comes after the case was closed here, without reopening it", () => {
    const closed: ReceivableEvent = { type: 'ReminderCaseClosed', data: { caseId: 'case-1', reason: 'betalt direkt', closedBy: user, endedAt: now } };
    const answer = cmd({ type: 'RecordPartnerRegistration', actor: partner, data: { caseId: 'case-1', partnerCaseId: 'P-77', partnerOcr: '7700012' } });
    const late = spec(receivableDecider)
      .given([...open, closed])
      .when(answer)
      .then([{ type: 'ReminderCaseRegisteredAfterEnd', data: { caseId: 'case-1', partnerCaseId: 'P-77', partnerOcr: '7700012' } }]);
    const state = fold(receivableDecider, [...open, closed, ...late]);
    expect(state.currentCase).toMatchObject({ status: 'closed', partnerCaseId: 'P-77', partnerOcr: '7700012', endedAt: now });
    expect(invoiceStatus(state, now)).toBe(invoiceStatus(fold(receivableDecider, [...open, closed]), now));
    // The same answer again changes nothing; another reference for the same case is refused.
    spec(receivableDecider).given([...open, closed, ...late]).when(answer).then([]);
    spec(receivableDecider)
      .given([...open, closed, ...late])
      .when(cmd({ type: 'RecordPartnerRegistration', actor: partner, data: { caseId: 'case-1', partnerCaseId: 'P-78' } }))
      .thenThrows('CASE.ALREADY_REGISTERED');
    // A case registered before it was closed keeps its registration as it was.
    spec(receivableDecider).given([...open, registered, closed]).when(answer).then([]);
  });
});

describe('Reconciliation with the partner', () => {
  const reconcile = (findings: string[], caseId = 'case-1') =>
    cmd({ type: 'RecordReconciliation', actor: partner, data: { caseId, findings } });
  it('records what it found in the case trail, and nothing when nothing diverged', () => {
    spec(receivableDecider)
      .given([received(), requested(), registered])
      .when(reconcile(['Partner reports reminder sent on 2026-11-24; we had registered.', ' ']))
      .then([{ type: 'ReminderCaseReconciled', data: { caseId: 'case-1', findings: ['Partner reports reminder sent on 2026-11-24; we had registered.'], on: now } }]);
    spec(receivableDecider).given([received(), requested()]).when(reconcile([])).then([]);
    spec(receivableDecider).given([received(), requested()]).when(reconcile(['x'], 'other')).thenThrows('CASE.NOT_FOUND');
  });
});

describe('Closing, pausing and resuming by the user', () => {
  const live = [received(), requested(), registered, reminderSent];
  it('closes an open case with a reason', () => {
    spec(receivableDecider)
      .given(live)
      .when(cmd({ type: 'CloseReminderCase', data: { reason: 'Kunden betalade direkt' } }))
      .then([{ type: 'ReminderCaseClosed', data: { caseId: 'case-1', reason: 'Kunden betalade direkt', closedBy: user, endedAt: now } }]);
    spec(receivableDecider).given(live).when(cmd({ type: 'CloseReminderCase', data: { reason: ' ' } })).thenThrows('CASE.REASON_REQUIRED');
    spec(receivableDecider).given([received()]).when(cmd({ type: 'CloseReminderCase', data: { reason: 'x' } })).thenThrows('CASE.NOT_OPEN');
  });
  it('pauses until a future date and resumes to the same stage', () => {
    const paused = spec(receivableDecider)
      .given(live)
      .when(cmd({ type: 'PauseReminderCase', data: { until: '2026-12-15', reason: 'Anstånd' } }))
      .events();
    const state = fold(receivableDecider, [...live, ...paused]);
    expect(invoiceStatus(state, now)).toBe('paused');
    expect(allowedActions(state, now)).toEqual(['close_case', 'resume_case', 'register_payment', 'open_in_portal']);
    // The system resumes only once the pause has run out.
    spec(receivableDecider).given([...live, ...paused]).when(cmd({ type: 'ResumeReminderCase', actor: system, data: {} })).then([]);
    spec(receivableDecider)
      .given([...live, ...paused])
      .when(cmd({ type: 'ResumeReminderCase', actor: system, now: '2026-12-15T08:00:00.000Z', data: {} }))
      .then([{ type: 'ReminderCaseResumed', data: { caseId: 'case-1', resumedStage: 'reminder_sent', automatic: true } }]);
  });
  it('refuses a pause ending in the past and a pause of a case not yet at the partner', () => {
    spec(receivableDecider).given(live).when(cmd({ type: 'PauseReminderCase', data: { until: '2026-11-23' } })).thenThrows('CASE.PAUSE_END_IN_PAST');
    spec(receivableDecider).given([received(), requested()]).when(cmd({ type: 'PauseReminderCase', data: { until: '2026-12-15' } })).thenThrows('CASE.INVALID_TRANSITION');
  });
});

describe('What the reader sees', () => {
  it('lists exactly the allowed actions', () => {
    expect(allowedActions(fold(receivableDecider, [received()]), now)).toEqual([
      'send_to_reminder_handling',
      'credit_invoice',
      'register_payment',
    ]);
    expect(allowedActions(fold(receivableDecider, [received()]), '2026-10-20T10:00:00Z')).toEqual(['credit_invoice', 'register_payment']);
    expect(allowedActions(fold(receivableDecider, [received(), requested(), registered]), now)).toEqual([
      'close_case',
      'pause_case',
      'register_payment',
      'open_in_portal',
    ]);
    expect(allowedActions(fold(receivableDecider, [received({ ...invoice, currency: 'EUR' })]), now)).toEqual([
      'credit_invoice',
      'register_payment',
    ]);
  });
  it('derives not due and overdue from the clock', () => {
    const state = fold(receivableDecider, [received()]);
    expect(invoiceStatus(state, '2026-10-20T10:00:00Z')).toBe('not_due');
    expect(invoiceStatus(state, now)).toBe('overdue');
  });
  it('finds the events of one case', () => {
    const events = [received(), requested(), registered, reminderSent];
    expect(caseEventsOf(events, 'case-1').map((e) => e.type)).toEqual([
      'ReminderCaseRequested',
      'ReminderCaseRegistered',
      'ReminderCaseReminderSent',
    ]);
  });
});
