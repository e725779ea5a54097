import { type ReceivableState } from '@pm/domain';
import { convergeCommands } from '../src/convergence';
import { type CaseSpec, viewOf } from './support/fixtures';
import { apply, oursOf, reconcile, requestedCase } from './support/receivable';

const NOW = '2026-11-25T12:00:00Z';
const REGISTERED: [string, string] = ['initializing', '2026-11-20'];
const REMINDER: [string, string] = ['reminder', '2026-11-21'];
const COLLECTION: [string, string] = ['debt_collection', '2026-12-03'];
const DECISION: [string, string] = ['decision', '2026-12-13'];
const ENFORCEMENT: [string, string] = ['enforcement', '2026-12-18'];
const SURVEILLANCE: [string, string] = ['surveillance', '2027-02-16'];

/** Our case brought (through the domain) to where the partner's view `spec` is. */
function ourCaseAt(spec: CaseSpec): ReceivableState {
  return reconcile(requestedCase(), viewOf(spec), NOW).state;
}

const types = (commands: { type: string }[]) => commands.map((c) => c.type);

describe('registration', () => {
  it('records the partner case id and OCR when we lack them', () => {
    const result = reconcile(requestedCase(), viewOf({ states: [REGISTERED] }), NOW);
    expect(result.commands).toEqual([{ type: 'RecordPartnerRegistration', data: { caseId: 'case-1', partnerCaseId: 'c_1', partnerOcr: '10016' } }]);
    expect(result.findings).toEqual(['Partner reports the case registered as c_1; we had it requested.']);
    expect(result.state.currentCase).toMatchObject({ status: 'registered', partnerCaseId: 'c_1', partnerOcr: '10016' });
    expect(result.again).toEqual({ commands: [], findings: [] });
  });

  it('applies nothing from a view of another partner case', () => {
    const ours = ourCaseAt({ states: [REGISTERED] });
    const result = convergeCommands(viewOf({ id: 'c_other', states: [REGISTERED, REMINDER] }), oursOf(ours));
    expect(result.commands).toEqual([]);
    expect(result.findings).toEqual(["The partner's case c_other is not the one our case is registered as (c_1); nothing was applied."]);
  });
});

describe('stages', () => {
  const histories: [string, [string, string][], string[]][] = [
    ['reminder', [REGISTERED, REMINDER], ['reminder_sent']],
    ['debt_collection', [REGISTERED, REMINDER, COLLECTION], ['reminder_sent', 'debt_collection']],
    ['decision', [REGISTERED, REMINDER, COLLECTION, DECISION], ['reminder_sent', 'debt_collection', 'decision_required']],
    ['enforcement', [REGISTERED, REMINDER, COLLECTION, DECISION, ENFORCEMENT], ['reminder_sent', 'debt_collection', 'decision_required', 'enforcement']],
    [
      'surveillance',
      [REGISTERED, REMINDER, COLLECTION, DECISION, ENFORCEMENT, SURVEILLANCE],
      ['reminder_sent', 'debt_collection', 'decision_required', 'enforcement', 'surveillance'],
    ],
  ];

  it.each(histories)('brings a registered case up to the partner state %s, stage by stage in history order', (_state, states, stages) => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED] }), viewOf({ states }), NOW);
    expect(result.commands).toEqual(
      stages.map((stage, i) => ({ type: 'RecordPartnerStage', data: { caseId: 'case-1', stage, on: states[i + 1][1] } })),
    );
    expect(result.state.currentCase?.status).toBe(stages[stages.length - 1]);
    expect(result.again).toEqual({ commands: [], findings: [] });
  });

  it('says what it found, in a sentence per divergence', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED] }), viewOf({ states: [REGISTERED, REMINDER, COLLECTION] }), NOW);
    expect(result.findings).toEqual([
      'Partner reports reminder sent on 2026-11-21; we had registered.',
      'Partner reports debt collection started on 2026-12-03; we had reminder sent.',
    ]);
  });

  it('moves one stage per poll when the partner moves one stage between polls', () => {
    const all = [REGISTERED, REMINDER, COLLECTION, DECISION, ENFORCEMENT, SURVEILLANCE];
    let state = requestedCase();
    for (let n = 1; n <= all.length; n++) {
      const result = reconcile(state, viewOf({ states: all.slice(0, n) }), NOW);
      expect(result.commands).toHaveLength(1);
      expect(result.again.commands).toEqual([]);
      state = result.state;
    }
    expect(state.currentCase?.status).toBe('surveillance');
  });

  it("records the fee the partner added at each stage", () => {
    const result = reconcile(
      ourCaseAt({ states: [REGISTERED] }),
      viewOf({
        states: [REGISTERED, REMINDER, COLLECTION],
        costs: [
          { type: 'reminder_fee', amount: 60, on: '2026-11-21' },
          { type: 'debt_collection_fee', amount: 180, on: '2026-12-03' },
        ],
      }),
      NOW,
    );
    expect(result.commands.map((c) => c.data)).toEqual([
      { caseId: 'case-1', stage: 'reminder_sent', on: '2026-11-21', feeOre: 6000 },
      { caseId: 'case-1', stage: 'debt_collection', on: '2026-12-03', feeOre: 18_000 },
    ]);
    expect(result.state.currentCase?.feesOre).toBe(24_000);
  });

  it('attributes other costs (a business debtor’s late payment compensation) to the stage reached on their date', () => {
    const result = reconcile(
      ourCaseAt({ states: [REGISTERED] }),
      viewOf({ states: [REGISTERED, REMINDER], costs: [{ type: 'late_payment_compensation', amount: 450, on: '2026-11-21' }] }),
      NOW,
    );
    expect(result.commands[0].data).toMatchObject({ stage: 'reminder_sent', feeOre: 45_000 });
  });

  it('follows skipped stages: straight to debt collection, and from decision to surveillance', () => {
    const states: [string, string][] = [REGISTERED, ['debt_collection', '2026-11-21'], ['decision', '2026-12-01'], ['surveillance', '2026-12-06']];
    const result = reconcile(requestedCase(), viewOf({ states }), NOW);
    expect(result.commands.map((c) => ('stage' in c.data ? c.data.stage : c.type))).toEqual([
      'RecordPartnerRegistration',
      'debt_collection',
      'decision_required',
      'surveillance',
    ]);
    expect(result.state.currentCase?.status).toBe('surveillance');
    expect(result.again.commands).toEqual([]);
  });

  it('flags, instead of forcing, a step our stage machine does not have', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED] }), viewOf({ states: [REGISTERED, ['decision', '2026-12-01']] }), NOW);
    expect(result.commands).toEqual([{ type: 'RecordUnknownPartnerStatus', data: { caseId: 'case-1', rawState: 'decision', rawStatus: 'active' } }]);
    expect(result.findings[0]).toBe('Partner reports a decision required on 2026-12-01, which cannot follow registered in our stage machine.');
    expect(result.state.currentCase?.needsAttention).toMatchObject({ rawState: 'decision', rawStatus: 'active' });
    expect(result.again).toEqual({ commands: [], findings: [] }); // flagged once, not reported on every poll
  });
});

describe('dispute', () => {
  const disputed: CaseSpec = { states: [REGISTERED, REMINDER], statuses: [['active', '2026-11-20'], ['disputed', '2026-11-26']] };
  const resolved: CaseSpec = { ...disputed, statuses: [...(disputed.statuses ?? []), ['active', '2026-12-02']] };

  it('records a dispute from the date the partner gives', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED, REMINDER] }), viewOf(disputed), NOW);
    expect(result.commands).toEqual([{ type: 'RecordDispute', data: { caseId: 'case-1', on: '2026-11-26' } }]);
    expect(result.findings).toEqual(['Partner reports the case disputed since 2026-11-26; we had reminder sent.']);
    expect(result.state.currentCase?.status).toBe('disputed');
    expect(result.again.commands).toEqual([]);
  });

  it('records the stage it missed before the dispute, then the dispute', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED] }), viewOf(disputed), NOW);
    expect(types(result.commands)).toEqual(['RecordPartnerStage', 'RecordDispute']);
    expect(result.state.currentCase).toMatchObject({ status: 'disputed', stage: 'reminder_sent' });
  });

  it('resolves the dispute on the date the partner left it', () => {
    const result = reconcile(ourCaseAt(disputed), viewOf(resolved), NOW);
    expect(result.commands).toEqual([{ type: 'RecordDisputeResolved', data: { caseId: 'case-1', on: '2026-12-02' } }]);
    expect(result.findings).toEqual(['Partner reports the dispute resolved on 2026-12-02; we had it disputed.']);
    expect(result.state.currentCase?.status).toBe('reminder_sent');
    expect(result.again.commands).toEqual([]);
  });

  it('resolves the dispute before recording the stage the partner reached afterwards', () => {
    const result = reconcile(ourCaseAt(disputed), viewOf({ ...resolved, states: [REGISTERED, REMINDER, ['debt_collection', '2026-12-14']] }), NOW);
    expect(types(result.commands)).toEqual(['RecordDisputeResolved', 'RecordPartnerStage']);
    expect(result.state.currentCase?.status).toBe('debt_collection');
  });

  it('keeps our dispute when the view does not show one (an older view)', () => {
    const ours = ourCaseAt(disputed);
    const result = convergeCommands(viewOf({ states: [REGISTERED, REMINDER] }), oursOf(ours));
    expect(result.commands).toEqual([]);
    expect(result.findings).toEqual(['We have the case disputed; the partner reports it active without a dispute in its history (an older view?): kept ours.']);
  });
});

describe('respite', () => {
  const inRespite: CaseSpec = {
    states: [REGISTERED, REMINDER],
    statuses: [['active', '2026-11-20'], ['respite', '2026-11-25']],
    respiteUntil: '2026-12-15',
  };
  const respiteOver: CaseSpec = { ...inRespite, statuses: [...(inRespite.statuses ?? []), ['active', '2026-12-15']] };

  it('pauses our case until the end of the respite', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED, REMINDER] }), viewOf(inRespite), NOW);
    expect(result.commands).toEqual([{ type: 'PauseReminderCase', data: { until: '2026-12-15', reason: 'Respite (anstånd) at the partner.' } }]);
    expect(result.findings).toEqual(['Partner reports a respite until 2026-12-15; we had reminder sent.']);
    expect(result.state.currentCase).toMatchObject({ status: 'paused', pausedUntil: '2026-12-15' });
    expect(result.again.commands).toEqual([]);
  });

  it('resumes when the partner shows the respite over', () => {
    const result = reconcile(ourCaseAt(inRespite), viewOf(respiteOver), '2026-12-15T08:00:00Z');
    expect(result.commands).toEqual([{ type: 'ResumeReminderCase', data: {} }]);
    expect(result.findings).toEqual(['Partner reports the respite over on 2026-12-15; we had the case paused until 2026-12-15.']);
    expect(result.state.currentCase).toMatchObject({ status: 'reminder_sent', pausedUntil: null });
    expect(result.again.commands).toEqual([]);
  });

  it('keeps a pause the partner does not know of yet, until its end date has passed', () => {
    // The user paused; our respite request has not reached the partner.
    const ours = apply(ourCaseAt({ states: [REGISTERED, REMINDER] }), { type: 'PauseReminderCase', data: { until: '2026-12-10' } }, NOW);
    const view = viewOf({ states: [REGISTERED, REMINDER] });
    const kept = convergeCommands(view, oursOf(ours), { today: '2026-12-01' });
    expect(kept.commands).toEqual([]);
    expect(kept.findings).toEqual(['We paused the case until 2026-12-10; the partner reports it active (the respite may not have reached it yet): kept ours.']);
    expect(convergeCommands(view, oursOf(ours)).commands).toEqual([]);
    expect(convergeCommands(view, oursOf(ours), { today: '2026-12-10' }).commands).toEqual([{ type: 'ResumeReminderCase', data: {} }]);
  });

  it('does not copy a respite that has already run out, and reports a respite that differs from ours', () => {
    const ours = ourCaseAt({ states: [REGISTERED, REMINDER] });
    const ranOut = convergeCommands(viewOf(inRespite), oursOf(ours), { today: '2026-12-15' });
    expect(ranOut).toEqual({ commands: [], findings: ['Partner reports a respite until 2026-12-15, which has run out; the case was not paused.'] });
    const paused = ourCaseAt(inRespite);
    const longer = convergeCommands(viewOf({ ...inRespite, respiteUntil: '2026-12-31' }), oursOf(paused));
    expect(longer).toEqual({ commands: [], findings: ['Partner reports a respite until 2026-12-31; we have the case paused until 2026-12-15.'] });
  });
});

describe('payments', () => {
  const partly = { id: 'p_1', amount: 500, on: '2026-11-24', costs: 60, interest: 3.29, capital: 436.71 };
  const rest = { id: 'p_2', amount: 813.29, on: '2026-11-30', capital: 813.29 };

  it('records the capital part of a partial debtor payment', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED, REMINDER] }), viewOf({ states: [REGISTERED, REMINDER], payments: [partly] }), NOW);
    expect(result.commands).toEqual([
      { type: 'RegisterPayment', data: { paymentId: 'p_1', amountOre: 43_671, paidOn: '2026-11-24', reference: 'p_1', source: 'partner' } },
    ]);
    expect(result.findings).toEqual(['Partner reports a payment of 43671 öre to capital on 2026-11-24 (p_1); we had not recorded it.']);
    expect(result.state.paidOre).toBe(43_671);
    expect(result.state.currentCase?.status).toBe('reminder_sent');
    expect(result.again.commands).toEqual([]);
  });

  it('records the rest and ends our case as paid when the partner reports it paid', () => {
    const ours = ourCaseAt({ states: [REGISTERED, REMINDER], payments: [partly] });
    const result = reconcile(ours, viewOf({ states: [REGISTERED, REMINDER], statuses: [['paid', '2026-11-30']], capital: [1250, 0], payments: [partly, rest] }), NOW);
    expect(result.commands).toEqual([
      { type: 'RegisterPayment', data: { paymentId: 'p_2', amountOre: 81_329, paidOn: '2026-11-30', reference: 'p_2', source: 'partner' } },
    ]);
    expect(result.state.currentCase?.status).toBe('paid');
    expect(result.again).toEqual({ commands: [], findings: [] });
  });

  it('records several payments in date order', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED, REMINDER] }), viewOf({ states: [REGISTERED, REMINDER], statuses: [['paid', '2026-11-30']], payments: [rest, partly] }), NOW);
    expect(result.commands.map((c) => c.type === 'RegisterPayment' && c.data.paymentId)).toEqual(['p_1', 'p_2']);
    expect(result.state.currentCase?.status).toBe('paid');
  });

  it('skips creditor-origin payments: they are the direct payments we reported', () => {
    const ours = ourCaseAt({ states: [REGISTERED, REMINDER] });
    const result = convergeCommands(
      viewOf({ states: [REGISTERED, REMINDER], capital: [1250, 1150], payments: [{ id: 'p_c', amount: 100, on: '2026-11-24', origin: 'creditor', capital: 100 }] }),
      oursOf(ours),
    );
    expect(result).toEqual({ commands: [], findings: [] });
  });

  it('records a debtor payment even after we closed our case (the partner still pays it out)', () => {
    const closed = apply(ourCaseAt({ states: [REGISTERED, REMINDER] }), { type: 'CloseReminderCase', data: { reason: 'Agreed otherwise' } }, NOW, { kind: 'user', id: 'u' });
    const result = reconcile(closed, viewOf({ states: [REGISTERED, REMINDER], payments: [partly] }), NOW);
    expect(types(result.commands)).toEqual(['RegisterPayment']);
    expect(result.findings[1]).toBe('We ended the case as closed; the partner reports it active (reminder).');
    expect(result.again.commands).toEqual([]);
  });
});

describe('amounts that do not add up', () => {
  it('does not pretend a case is paid when the capital payments do not cover our claim', () => {
    const result = reconcile(
      ourCaseAt({ states: [REGISTERED, REMINDER] }),
      viewOf({ states: [REGISTERED, REMINDER], statuses: [['paid', '2026-11-30']], capital: [1000, 0], payments: [{ id: 'p_1', amount: 1000, on: '2026-11-30', capital: 1000 }] }),
      NOW,
    );
    expect(types(result.commands)).toEqual(['RegisterPayment', 'RecordUnknownPartnerStatus']);
    expect(result.commands[1].data).toEqual({ caseId: 'case-1', rawState: 'reminder', rawStatus: 'paid' });
    expect(result.findings).toContain('Partner reports the case paid but its capital payments (100000 öre) do not cover our claim (125000 öre).');
    expect(result.state.currentCase).toMatchObject({ status: 'reminder_sent', needsAttention: { rawState: 'reminder', rawStatus: 'paid' } });
    expect(result.again).toEqual({ commands: [], findings: [] });
  });

  it('does not record a payment larger than what remains of our claim', () => {
    const result = reconcile(
      ourCaseAt({ states: [REGISTERED, REMINDER] }),
      viewOf({ states: [REGISTERED, REMINDER], capital: [2000, 0], payments: [{ id: 'p_9', amount: 2000, on: '2026-11-30', capital: 2000 }] }),
      NOW,
    );
    expect(types(result.commands)).toEqual(['RecordUnknownPartnerStatus']);
    expect(result.findings[0]).toBe('Partner reports a payment of 200000 öre to capital on 2026-11-30 (p_9), more than what remains of our claim (125000 öre).');
    expect(result.state.paidOre).toBe(0);
    expect(result.again).toEqual({ commands: [], findings: [] });
  });
});

describe('terminal outcomes', () => {
  const ended: [string, CaseSpec, unknown, string][] = [
    ['cancelled', { closedReason: 'Stopped by the creditor in the portal' }, { type: 'CloseReminderCase', data: { reason: 'Stopped by the creditor in the portal' } }, 'closed'],
    ['credited', { closedReason: 'Credit note 88' }, { type: 'RecordPartnerCrediting', data: { caseId: 'case-1', reason: 'Credit note 88' } }, 'credited'],
    ['written_off', { closedReason: 'Debtor bankrupt' }, { type: 'RecordWriteOff', data: { caseId: 'case-1', reason: 'Debtor bankrupt' } }, 'written_off'],
  ];

  it.each(ended)('ends our case when the partner reports it %s', (status, extra, command, ourStatus) => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED, REMINDER] }), viewOf({ states: [REGISTERED, REMINDER], statuses: [[status, '2026-11-30']], ...extra }), NOW);
    expect(result.commands).toEqual([command]);
    expect(result.state.currentCase?.status).toBe(ourStatus);
    expect(result.again).toEqual({ commands: [], findings: [] });
  });

  it('records a rejection of a registered case with the partner’s reason', () => {
    const result = reconcile(
      requestedCase(),
      viewOf({ states: [REGISTERED], statuses: [['rejected', '2026-11-20']], rejectReason: 'Debtor address unknown' }),
      NOW,
    );
    expect(types(result.commands)).toEqual(['RecordPartnerRegistration', 'RecordPartnerRejection']);
    expect(result.commands[1].data).toEqual({ caseId: 'case-1', reason: 'Debtor address unknown' });
    expect(result.state.currentCase?.status).toBe('rejected');
    expect(result.again.commands).toEqual([]);
  });

  it('flags a rejection at a stage where our case cannot be rejected', () => {
    const result = reconcile(
      ourCaseAt({ states: [REGISTERED, REMINDER] }),
      viewOf({ states: [REGISTERED, REMINDER], statuses: [['rejected', '2026-11-30']], rejectReason: 'Duplicate' }),
      NOW,
    );
    expect(types(result.commands)).toEqual(['RecordUnknownPartnerStatus']);
    expect(result.findings[0]).toBe('Partner reports the case rejected (Duplicate) after reminder sent; our case cannot be rejected at that stage.');
  });
});

describe('unknown values', () => {
  it('flags an unknown state with its raw value, once', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED, REMINDER] }), viewOf({ states: [REGISTERED, REMINDER, ['payment_plan', '2026-11-28']] }), NOW);
    expect(result.commands).toEqual([{ type: 'RecordUnknownPartnerStatus', data: { caseId: 'case-1', rawState: 'payment_plan', rawStatus: 'active' } }]);
    expect(result.findings[0]).toBe("Partner reports a state we do not know: 'payment_plan'.");
    expect(result.state.currentCase?.needsAttention).toMatchObject({ rawState: 'payment_plan', rawStatus: 'active' });
    expect(result.again).toEqual({ commands: [], findings: [] });
  });

  it('flags once when both state and status are unknown, with both reasons', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED, REMINDER] }), viewOf({ states: [REGISTERED, REMINDER, ['payment_plan', '2026-11-28']], statuses: [['instalments', '2026-11-28']] }), NOW);
    expect(result.commands).toEqual([{ type: 'RecordUnknownPartnerStatus', data: { caseId: 'case-1', rawState: 'payment_plan', rawStatus: 'instalments' } }]);
    expect(result.findings).toEqual(["Partner reports a status we do not know: 'instalments'.", "Partner reports a state we do not know: 'payment_plan'."]);
    expect(result.again).toEqual({ commands: [], findings: [] });
  });

  it('flags an unknown status with its raw value', () => {
    const result = reconcile(ourCaseAt({ states: [REGISTERED, REMINDER] }), viewOf({ states: [REGISTERED, REMINDER], statuses: [['instalment_plan', '2026-11-28']] }), NOW);
    expect(result.commands).toEqual([{ type: 'RecordUnknownPartnerStatus', data: { caseId: 'case-1', rawState: 'reminder', rawStatus: 'instalment_plan' } }]);
    expect(result.findings[0]).toBe("Partner reports a status we do not know: 'instalment_plan'.");
    expect(result.again.commands).toEqual([]);
  });

  it('records the known stages before flagging, and a later known stage clears the flag', () => {
    const flagged = reconcile(ourCaseAt({ states: [REGISTERED] }), viewOf({ states: [REGISTERED, REMINDER, ['payment_plan', '2026-11-28']] }), NOW);
    expect(types(flagged.commands)).toEqual(['RecordPartnerStage', 'RecordUnknownPartnerStatus']);
    const cleared = reconcile(flagged.state, viewOf({ states: [REGISTERED, REMINDER, ['payment_plan', '2026-11-28'], ['debt_collection', '2026-12-05']] }), NOW);
    expect(types(cleared.commands)).toEqual(['RecordPartnerStage']);
    expect(cleared.state.currentCase).toMatchObject({ status: 'debt_collection', needsAttention: null });
  });
});

describe('stale and reordered views', () => {
  it('never moves our case back to an earlier stage', () => {
    const ours = ourCaseAt({ states: [REGISTERED, REMINDER, COLLECTION] });
    const result = convergeCommands(viewOf({ states: [REGISTERED, REMINDER] }), oursOf(ours));
    expect(result.commands).toEqual([]);
    expect(result.findings).toEqual(['Partner reports reminder sent as its latest stage; we are further (debt collection started): kept ours.']);
  });

  it('ends at the newest truth whatever order stage views arrive in', () => {
    const views = [[REGISTERED], [REGISTERED, REMINDER], [REGISTERED, REMINDER, COLLECTION], [REGISTERED, REMINDER, COLLECTION, DECISION]].map((states) =>
      viewOf({ states }),
    );
    for (const order of permutations([0, 1, 2, 3])) {
      let state = requestedCase();
      for (const i of order) state = reconcile(state, views[i], NOW).state;
      expect(state.currentCase).toMatchObject({ status: 'decision_required', partnerCaseId: 'c_1' });
    }
  });

  it('ignores a view older than the newest one applied, so a late view cannot reopen a resolved dispute', () => {
    const base: CaseSpec = { states: [REGISTERED, REMINDER] };
    const views = [
      viewOf({ ...base, updated: '2026-11-21T10:00:00' }),
      viewOf({ ...base, updated: '2026-11-26T10:00:00', statuses: [['active', '2026-11-20'], ['disputed', '2026-11-26']] }),
      viewOf({ ...base, updated: '2026-12-02T10:00:00', statuses: [['active', '2026-11-20'], ['disputed', '2026-11-26'], ['active', '2026-12-02']] }),
      viewOf({ states: [...(base.states ?? []), ['debt_collection', '2026-12-14']], updated: '2026-12-14T10:00:00', statuses: [['active', '2026-11-20'], ['disputed', '2026-11-26'], ['active', '2026-12-02']] }),
    ];
    for (const order of permutations([0, 1, 2, 3])) {
      let state = requestedCase();
      let newest = '';
      for (const i of order) {
        state = reconcile(state, views[i], NOW, newest ? { partnerUpdatedAt: newest } : {}).state;
        if (views[i].updatedAt > newest) newest = views[i].updatedAt;
      }
      expect(state.currentCase?.status).toBe('debt_collection'); // never left disputed by a late view
    }
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
