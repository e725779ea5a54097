import { loadState } from '../src/state/store';
import { advance, createCreditor, DAY_MS, epochDay, expectedInterestOre, getCase, registerCase, registrationBody, startSandbox, type Harness } from './helpers';

/** 4.0 % reference rate (the latest in the table, used for later dates) + 8 percentage points. */
const RATE_BP = 1_200;

describe('the lifecycle on the sandbox clock', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startSandbox();
  });
  afterEach(() => h.dispose());

  const states = (kase: any): string[] => kase.state_history.map((s: any) => s.state);
  const costs = (kase: any): Array<[string, number]> => kase.costs.map((c: any) => [c.type, c.amount]);
  /** Interest days as the sandbox counts them: from the day after the due date through today. */
  const interestDays = (dueDay: number): number => epochDay(h.sandbox.clock.now().getTime()) - dueDay;

  it('takes a consumer case from reminder to efterbevakning with the fees and dröjsmålsränta the law allows', async () => {
    const creditor = await createCreditor(h, { reminder_fee_agreed: true });
    const dueDay = epochDay(h.sandbox.clock.now().getTime()) - 10;
    const id = await registerCase(h, creditor, { capital: 1250, overdueDays: 10 });

    let kase = await getCase(h, id);
    expect(kase.state).toBe('reminder');
    expect(kase.status).toBe('active');
    expect(states(kase)).toEqual(['initializing', 'reminder']);
    expect(costs(kase)).toEqual([['reminder_fee', 60]]);
    expect(kase.interest.rate).toBe(12);
    const interest0 = expectedInterestOre(125_000, RATE_BP, interestDays(dueDay));
    expect(kase.interest.accrued).toBe(interest0 / 100);
    expect(kase.total_remaining).toBe((125_000 + 6_000 + interest0) / 100);

    await advance(h, 11.9);
    expect((await getCase(h, id)).state).toBe('reminder');
    await advance(h, 0.1);
    kase = await getCase(h, id);
    expect(kase.state).toBe('debt_collection');
    expect(costs(kase)).toEqual([
      ['reminder_fee', 60],
      ['debt_collection_fee', 180],
    ]);
    const [reminderAt, collectionAt] = kase.state_history.slice(1).map((s: any) => Date.parse(s.date));
    expect(collectionAt - reminderAt).toBeGreaterThanOrEqual(12 * DAY_MS - 1_000);
    expect(collectionAt - reminderAt).toBeLessThanOrEqual(12 * DAY_MS);

    await advance(h, 10);
    expect((await getCase(h, id)).state).toBe('decision');
    await advance(h, 5);
    expect((await getCase(h, id)).state).toBe('enforcement');
    await advance(h, 60);
    kase = await getCase(h, id);
    expect(kase.state).toBe('surveillance');
    expect(states(kase)).toEqual(['initializing', 'reminder', 'debt_collection', 'decision', 'enforcement', 'surveillance']);
    expect(kase.remaining_costs).toBe(240);
    const interest = expectedInterestOre(125_000, RATE_BP, interestDays(dueDay));
    expect(kase.interest).toEqual({ rate: 12, accrued: interest / 100, remaining: interest / 100 });
    expect(kase.total_remaining).toBe((125_000 + 24_000 + interest) / 100);

    // Efterbevakning is the end of the line: nothing more happens.
    await advance(h, 400);
    expect(states(await getCase(h, id))).toHaveLength(6);
  });

  it('one long clock advance leaves the same dated history as many short ones', async () => {
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor);
    await advance(h, 100);
    const kase = await getCase(h, id);
    expect(states(kase)).toEqual(['initializing', 'reminder', 'debt_collection', 'decision', 'enforcement', 'surveillance']);
    const times = kase.state_history.map((s: any) => Date.parse(s.date));
    const gaps = times.slice(2).map((t: number, i: number) => Math.round((t - times[i + 1]) / DAY_MS));
    expect(gaps).toEqual([12, 10, 5, 60]);
  });

  it('charges a business debtor 450 kr förseningsersättning instead of the reminder and inkasso fees, through the whole lifecycle', async () => {
    const creditor = await createCreditor(h, { reminder_fee_agreed: true });
    const dueDay = epochDay(h.sandbox.clock.now().getTime()) - 3;
    const id = await registerCase(h, creditor, { isCompany: true, capital: 10_000.5, overdueDays: 3 });
    let kase = await getCase(h, id);
    expect(kase.debtor.is_company).toBe(true);
    expect(costs(kase)).toEqual([['late_payment_compensation', 450]]);
    await advance(h, 12);
    kase = await getCase(h, id);
    expect(kase.state).toBe('debt_collection');
    expect(costs(kase)).toEqual([['late_payment_compensation', 450]]);
    await advance(h, 15);
    kase = await getCase(h, id);
    // A company's organisationsnummer is an identity number Kronofogden can act on.
    expect(states(kase)).toEqual(['initializing', 'reminder', 'debt_collection', 'decision', 'enforcement']);
    expect(kase.remaining_costs).toBe(450);
    const interest = expectedInterestOre(1_000_050, RATE_BP, interestDays(dueDay));
    expect(kase.interest.accrued).toBe(interest / 100);
    expect(kase.total_remaining).toBe((1_000_050 + 45_000 + interest) / 100);
  });

  it('charges no reminder fee when the creditor has not agreed one', async () => {
    const creditor = await createCreditor(h, { reminder_fee_agreed: false });
    const id = await registerCase(h, creditor, { reminderFeeCharged: 60 });
    expect(costs(await getCase(h, id))).toEqual([]);
    await advance(h, 12);
    expect(costs(await getCase(h, id))).toEqual([['debt_collection_fee', 180]]);
  });

  it('claims a reminder fee the creditor already charged (capped at 60 kr) and adds no second one', async () => {
    const creditor = await createCreditor(h, { reminder_fee_agreed: true });
    const res = await h.call('POST', '/case--registrations', registrationBody(creditor, { now: h.sandbox.clock.now().getTime(), reminderFeeCharged: 75 }));
    expect(res.body.status).toBe('warning');
    expect(res.body.messages.join(' ')).toMatch(/exceeds/);
    expect(costs(await getCase(h, res.body.cases[0]._id))).toEqual([['reminder_fee', 60]]);
  });

  it('starts with the inkassokrav when first_action is debt_collection', async () => {
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor, { firstAction: 'debt_collection' });
    const kase = await getCase(h, id);
    expect(states(kase)).toEqual(['initializing', 'debt_collection']);
    expect(costs(kase)).toEqual([['debt_collection_fee', 180]]);
  });

  it('goes to efterbevakning instead of Kronofogden when the debtor has no Swedish identity number', async () => {
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor, { idNumber: 'DE-1234567' });
    await advance(h, 27);
    expect(states(await getCase(h, id)).slice(-2)).toEqual(['decision', 'surveillance']);
  });

  it('freezes the lifecycle while disputed and resumes it with the time that was left', async () => {
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor);
    await getCase(h, id);
    await advance(h, 5);
    const disputed = await h.call('POST', `/_sandbox/cases/${id}/dispute`);
    expect(disputed.status).toBe(200);
    expect(disputed.body.status).toBe('disputed');
    expect(disputed.body.closed).toBe(false);

    await advance(h, 30);
    let kase = await getCase(h, id);
    expect(kase.state).toBe('reminder');
    expect(costs(kase)).toEqual([['reminder_fee', 60]]);
    expect((await h.call('POST', `/_sandbox/cases/${id}/dispute`)).status).toBe(409);

    const resolved = await h.call('POST', `/_sandbox/cases/${id}/resolve-dispute`);
    expect(resolved.body.status).toBe('active');
    await advance(h, 6.9);
    expect((await getCase(h, id)).state).toBe('reminder');
    await advance(h, 0.2);
    kase = await getCase(h, id);
    expect(kase.state).toBe('debt_collection');
    expect(kase.status_history.map((s: any) => s.status)).toEqual(['active', 'disputed', 'active']);
    expect((await h.call('POST', `/_sandbox/cases/${id}/resolve-dispute`)).status).toBe(409);
  });

  it('pauses for a respite and resumes by itself when it ends', async () => {
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor, { invoiceNumber: 'R-1' });
    await getCase(h, id);
    const today = epochDay(h.sandbox.clock.now().getTime());
    const until = new Date((today + 20) * DAY_MS).toUTCString();
    const res = await h.call('POST', '/creditor--respites', { creditor, invoice_number: 'R-1', origin: 'creditor_system', respite_until: until });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ _id: expect.any(String), status: 'completed', messages: [] });
    let kase = await getCase(h, id);
    expect(kase.status).toBe('respite');
    expect(kase.respite_until).toBe(until);

    await advance(h, 19);
    kase = await getCase(h, id);
    expect([kase.state, kase.status]).toEqual(['reminder', 'respite']);
    await advance(h, 1);
    kase = await getCase(h, id);
    expect([kase.state, kase.status, kase.respite_until]).toEqual(['reminder', 'active', null]);
    expect(Date.parse(kase.status_history[2].date)).toBe((today + 20) * DAY_MS);
    // The ~12 days that were left start again when the respite ends.
    await advance(h, 13);
    expect((await getCase(h, id)).state).toBe('debt_collection');
  });

  it('refuses a respite that ends today or earlier (422) and one on a disputed case (status error)', async () => {
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor);
    const today = new Date(epochDay(h.sandbox.clock.now().getTime()) * DAY_MS).toUTCString();
    const past = await h.call('POST', '/creditor--respites', { case: id, origin: 'creditor_system', respite_until: today });
    expect(past.status).toBe(422);
    expect(past.body._issues).toHaveProperty('respite_until');
    await h.call('POST', `/_sandbox/cases/${id}/dispute`);
    const later = new Date((epochDay(h.sandbox.clock.now().getTime()) + 10) * DAY_MS).toUTCString();
    const disputed = await h.call('POST', '/creditor--respites', { case: id, origin: 'creditor_system', respite_until: later });
    expect(disputed.status).toBe(200);
    expect(disputed.body.status).toBe('error');
  });

  it('writes a bankrupt debtor off and rejects a case through the control API', async () => {
    const creditor = await createCreditor(h);
    const a = await registerCase(h, creditor, { invoiceNumber: 'B-1' });
    const b = await registerCase(h, creditor, { invoiceNumber: 'B-2' });
    const bankrupt = await h.call('POST', `/_sandbox/cases/${a}/bankrupt`);
    expect(bankrupt.body).toMatchObject({ status: 'written_off', closed: true, closed_reason: 'bankruptcy' });
    const rejected = await h.call('POST', `/_sandbox/cases/${b}/reject`, { reason: 'unknown_debtor' });
    expect(rejected.body).toMatchObject({ status: 'rejected', closed: true, reject_reason: 'unknown_debtor' });
    expect((await h.call('POST', `/_sandbox/cases/${a}/bankrupt`)).status).toBe(409);
    await advance(h, 30);
    expect((await getCase(h, a)).state).toBe('reminder');
  });

  it('moves initializing → reminder on a timer tick without any request', async () => {
    await h.dispose();
    h = await startSandbox({ tickMs: 50 });
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { state } = await loadState(h.dataDir);
    expect(state.cases[id]!.state).toBe('reminder');
  });

  it('GET /_sandbox/clock shows the advanced clock', async () => {
    const before = Date.parse((await h.call('GET', '/_sandbox/clock')).body.now);
    const now = await advance(h, 2);
    expect(now - before).toBeGreaterThanOrEqual(2 * DAY_MS - 1_000);
    expect(Date.parse((await h.call('GET', '/_sandbox/clock')).body.now)).toBeGreaterThanOrEqual(now);
    expect((await h.call('POST', '/_sandbox/clock/advance', { days: -1 })).status).toBe(422);
  });
});
