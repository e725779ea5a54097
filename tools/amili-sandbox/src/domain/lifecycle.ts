/**
 * The collection lifecycle on the sandbox clock. Every step is due at a moment; `applyDue` (run by the
 * timer, by every request and after a clock advance) takes each case through all steps due by now,
 * each dated at the moment it was due, so a 30-day advance leaves the same history as 30 real days.
 * The payouts due at each midnight passed are made there too (see payouts).
 * `disputed` and `respite` freeze the next step and keep the time left; resuming restarts it.
 */
import { DAY_MS, epochDay } from '../dates';
import { isSwedishIdentityNumber } from '../identity';
import { formatSek } from '../money';
import { Heap } from 'heap-js';
import { type Dirty } from '../state/serialiser';
import { type StateIndex, type Tx } from '../state/store';
import { type CaseRecord, type CaseState, type CaseStatus, type CostType, type SandboxState } from '../state/types';
import { isClosed, settleInterest } from './ledger';
import { payOutDue, payoutRunDueAt } from './payouts';
import { feesOn } from './rules';

/** Registration → first action on the next tick: due at once, applied by the next `applyDue`. */
export const FIRST_STEP_DELAY_MS = 0;

/** Days from entering a state to the next one (the inkassokrav ~12 days after the reminder, and so on). */
export const DAYS_UNTIL_NEXT: Readonly<Partial<Record<CaseState, number>>> = {
  reminder: 12,
  debt_collection: 10,
  decision: 5,
  enforcement: 60,
};

const STATE_LOG: Readonly<Record<CaseState, string>> = {
  initializing: 'Ärendet registrerat',
  invoice: 'Faktura skickad',
  reminder: 'Påminnelse skickad',
  debt_collection: 'Inkassokrav skickat',
  decision: 'Ärendet väntar på beslut om rättsliga åtgärder',
  enforcement: 'Ansökan om betalningsföreläggande till Kronofogden',
  surveillance: 'Ärendet överlämnat till efterbevakning',
};

const COST_LOG: Readonly<Record<CostType, string>> = {
  reminder_fee: 'Påminnelseavgift',
  debt_collection_fee: 'Inkassoavgift',
  late_payment_compensation: 'Förseningsersättning',
};

export function scheduleFirstStep(record: CaseRecord, at: number): void {
  record.next = { state: record.firstAction, at: at + FIRST_STEP_DELAY_MS, remainingMs: null };
}

/**
 * Applies every step due by `tx.now` to every open case, then makes the payouts due by then. Only the cases the
 * due index names are looked at. Returns false, having changed nothing, when nothing was due.
 */
export function applyDue(tx: Tx): boolean {
  const index = tx.index(DUE_INDEX, (state) => new DueIndex(state));
  if (tx.now < index.nextAt()) return false;
  const due: CaseRecord[] = [];
  for (const id of index.takeDue(tx.now)) {
    const record = tx.state.cases[id];
    if (record) due.push(record);
  }
  for (const record of due) {
    if (!isClosed(record) && advance(record, tx.now)) tx.touchCase(record);
  }
  payOutDue(tx, due);
  // Taken out of the index above: each goes back in with its next due moment (if it has one).
  for (const record of due) index.add(record);
  return due.length > 0;
}

const DUE_INDEX = 'lifecycle:due';

/** The first moment something of this case is due: a lifecycle step or a respite's end (if it is open), or a payout run. */
export function caseDueAt(record: CaseRecord): number {
  const step = isClosed(record) ? null : stepDue(record, Infinity);
  return Math.min(step?.at ?? Infinity, payoutRunDueAt(record));
}

/**
 * The cases by the moment something of theirs is due, so that a request finds what is due without looking at
 * every case (at tens of thousands of cases that look took milliseconds, after every change). A case's entry may
 * be earlier than its due moment (it moved later since), never later: `takeDue` hands out every case that may be
 * due, and the caller puts each back with its moment as it is then.
 */
export class DueIndex implements StateIndex {
  private readonly heap = new Heap<DueEntry>((a, b) => a.at - b.at);
  /** Each case's earliest entry in the heap. */
  private readonly earliest = new Map<string, number>();

  constructor(state: Readonly<SandboxState>) {
    for (const record of Object.values(state.cases)) this.add(record);
  }

  update(state: Readonly<SandboxState>, dirty: Dirty): void {
    for (const id of dirty.get('cases') ?? []) {
      const record = state.cases[id];
      if (record) this.add(record);
    }
  }

  /** Files the case under its due moment, unless an entry at least as early is there already. */
  add(record: CaseRecord): void {
    const at = caseDueAt(record);
    if (at === Infinity) return;
    const known = this.earliest.get(record.id);
    if (known !== undefined && known <= at) return;
    this.earliest.set(record.id, at);
    this.heap.push({ at, id: record.id });
  }

  /** The earliest entry's moment (Infinity when nothing is due ever). */
  nextAt(): number {
    return this.heap.peek()?.at ?? Infinity;
  }

  /** Takes out the entries due by `now`: the ids of the cases that may have something due. */
  takeDue(now: number): string[] {
    const ids = new Set<string>();
    for (let top = this.heap.peek(); top !== undefined && top.at <= now; top = this.heap.peek()) {
      this.heap.pop();
      if (this.earliest.get(top.id) === top.at) this.earliest.delete(top.id);
      ids.add(top.id);
    }
    return [...ids];
  }
}

interface DueEntry {
  at: number;
  id: string;
}

type DueStep = { kind: 'respite_ended'; at: number } | { kind: 'next_state'; state: CaseState; at: number };

/** The case's step due by `now`, if any: the end of its respite, or its next lifecycle state. */
function stepDue(record: CaseRecord, now: number): DueStep | null {
  if (record.status === 'respite' && record.respiteUntilDay !== null && record.respiteUntilDay * DAY_MS <= now) {
    return { kind: 'respite_ended', at: record.respiteUntilDay * DAY_MS };
  }
  if (record.status === 'active' && record.next?.at != null && record.next.at <= now) return { kind: 'next_state', state: record.next.state, at: record.next.at };
  return null;
}

function advance(record: CaseRecord, now: number): boolean {
  let changed = false;
  for (let due = stepDue(record, now); due !== null; due = stepDue(record, now)) {
    if (due.kind === 'respite_ended') {
      record.respiteUntilDay = null;
      setStatus(record, 'active', due.at);
      log(record, due.at, 'Anståndet har löpt ut');
    } else {
      enterState(record, due.state, due.at);
    }
    changed = true;
  }
  return changed;
}

/** The case reaches `state` at `at`: record it, charge the fees the law allows, schedule the next step. */
export function enterState(record: CaseRecord, state: CaseState, at: number): void {
  record.state = state;
  record.stateHistory.push({ state, at });
  log(record, at, STATE_LOG[state]);
  chargeFees(record, state, at);
  const days = DAYS_UNTIL_NEXT[state];
  record.next = days === undefined ? null : { state: nextState(record, state), at: at + days * DAY_MS, remainingMs: null };
}

function nextState(record: CaseRecord, state: CaseState): CaseState {
  switch (state) {
    case 'reminder':
      return 'debt_collection';
    case 'debt_collection':
      return 'decision';
    // Kronofogden needs an identity number it can act on; without one, only efterbevakning is left.
    case 'decision':
      return isSwedishIdentityNumber(record.debtor.idNumber) ? 'enforcement' : 'surveillance';
    default:
      return 'surveillance';
  }
}

/**
 * Lag (1981:739): a consumer pays the reminder fee only if agreed (and one per claim), and the
 * inkassokrav fee once; a business debtor pays 450 kr förseningsersättning once, instead of both.
 */
function chargeFees(record: CaseRecord, state: CaseState, at: number): void {
  if (state !== 'reminder' && state !== 'debt_collection') return;
  const fees = feesOn(epochDay(at));
  if (record.debtor.isCompany) {
    addCost(record, 'late_payment_compensation', fees.latePaymentCompensationOre, at);
  } else if (state === 'reminder') {
    if (record.reminderFeeAgreed) addCost(record, 'reminder_fee', fees.reminderFeeOre, at);
  } else {
    addCost(record, 'debt_collection_fee', fees.debtCollectionFeeOre, at);
  }
}

/** Adds a cost unless one of that type is already claimed (each fee is allowed once per claim). */
export function addCost(record: CaseRecord, type: CostType, amountOre: number, at: number): void {
  if (amountOre <= 0 || record.costs.some((cost) => cost.type === type)) return;
  record.costs.push({ type, amountOre, at });
  log(record, at, `${COST_LOG[type]} ${formatSek(amountOre)} debiterad`);
}

/**
 * Changes the status at `at`, freezing the next step when collection must stop (disputed, respite),
 * resuming it with the time that was left, and ending the lifecycle when the case closes.
 */
export function setStatus(record: CaseRecord, status: CaseStatus, at: number): void {
  if (record.status === status) return;
  const wasRunning = record.status === 'active';
  if (status !== 'active' && !['disputed', 'respite'].includes(status)) {
    settleInterest(record, at);
    record.next = null;
  } else if (wasRunning && status !== 'active' && record.next?.at != null) {
    record.next = { ...record.next, at: null, remainingMs: Math.max(0, record.next.at - at) };
  } else if (status === 'active' && record.next?.at === null) {
    record.next = { ...record.next, at: at + (record.next.remainingMs ?? 0), remainingMs: null };
  }
  record.status = status;
  record.statusHistory.push({ status, at });
}

export function log(record: CaseRecord, at: number, text: string): void {
  record.log.push({ at, text });
}
