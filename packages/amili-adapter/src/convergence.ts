/**
 * Reconciliation: the commands that bring our reminder case to the partner's truth, and a sentence
 * for each divergence found (for the case's audit trail).
 *
 * Properties the callers rely on:
 * - idempotent: a case that already agrees with the view yields no commands;
 * - order-independent: a view older than what we know (a late push, a reordered list) never moves us
 *   back; we only move forward along our stage machine, and leave a dispute or a pause only on
 *   evidence in the partner's status history, not because a stale view does not mention it;
 * - every command is one our domain accepts in the state the previous ones lead to (the planning
 *   below follows the domain's own transitions), so applying them in order does not stop half-way.
 */
import {
  type CaseStatus,
  type LocalDate,
  PAUSABLE,
  type ReceivableCommand,
  STAGE_TRANSITIONS,
  type StageStatus,
  isTerminal,
  stockholmDate,
} from '@pm/domain';
import { type PartnerCaseView, type PartnerCondition, type PartnerStage } from './case-view';

type PartnerDrivenType =
  | 'RecordPartnerRegistration'
  | 'RecordPartnerStage'
  | 'RecordDispute'
  | 'RecordDisputeResolved'
  | 'RecordPartnerRejection'
  | 'RecordPartnerCrediting'
  | 'RecordWriteOff'
  | 'RecordUnknownPartnerStatus'
  | 'RegisterPayment'
  | 'PauseReminderCase'
  | 'ResumeReminderCase'
  | 'CloseReminderCase';

/** Our receivable commands that the partner's truth can drive, without `now`/`actor` (the caller adds them). */
export type PartnerDrivenCommand = {
  [T in PartnerDrivenType]: Pick<Extract<ReceivableCommand, { type: T }>, 'type' | 'data'>;
}[PartnerDrivenType];

/** What we know of our case (read from the receivable's state). */
export interface OurCaseSnapshot {
  caseId: string;
  status: CaseStatus;
  stage: StageStatus;
  partnerCaseId: string | null;
  paymentIds: readonly string[];
  remainingClaimOre: number;
  pausedUntil: string | null;
  needsAttention: { rawState: string; rawStatus?: string } | null;
  /**
   * The `updatedAt` of the newest partner view already applied to this case, if the caller keeps it.
   * A view older than that is ignored whole: it is the one guard against a stale view re-opening a
   * dispute or a respite that a newer view already closed (their histories alone cannot tell).
   */
  partnerUpdatedAt?: string | null;
}

export interface ConvergeOptions {
  /**
   * The Stockholm date on which the commands will be applied. Optional; with it, a pause whose end
   * date has passed is resumed even when the partner's history does not show the respite ending, and
   * a respite the partner still shows but that has run out is not copied.
   */
  today?: LocalDate;
}

export interface Convergence {
  commands: PartnerDrivenCommand[];
  findings: string[];
}

const STAGE_ORDER: readonly StageStatus[] = [
  'requested',
  'registered',
  'reminder_sent',
  'debt_collection',
  'decision_required',
  'enforcement',
  'surveillance',
];
const rank = (stage: StageStatus): number => STAGE_ORDER.indexOf(stage);

const STAGE_REPORTED: Readonly<Record<PartnerStage, string>> = {
  registered: 'the case registered',
  reminder_sent: 'reminder sent',
  debt_collection: 'debt collection started',
  decision_required: 'a decision required',
  enforcement: 'the case sent to enforcement (Kronofogden)',
  surveillance: 'the case under surveillance',
};

const OUR_STATUS: Readonly<Record<CaseStatus, string>> = {
  requested: 'requested',
  registered: 'registered',
  reminder_sent: 'reminder sent',
  debt_collection: 'debt collection started',
  decision_required: 'decision required',
  enforcement: 'enforcement',
  surveillance: 'surveillance',
  disputed: 'it disputed',
  paused: 'it paused',
  paid: 'it paid',
  closed: 'it closed',
  rejected: 'it rejected',
  credited: 'it credited',
  written_off: 'it written off',
};

/** Our terminal status and the partner's condition that agrees with it. */
const AGREEING_CONDITION: Readonly<Record<string, PartnerCondition>> = {
  paid: 'paid',
  closed: 'cancelled',
  rejected: 'rejected',
  credited: 'credited',
  written_off: 'written_off',
};

/** Our case as the commands planned so far will leave it (the domain's evolve, reduced to what matters here). */
interface Simulated {
  caseId: string;
  /** Whether this run flagged the case (a further reason for the same flag is then only noted). */
  flaggedNow: boolean;
  /** The run's findings, for sentences without a command of their own. */
  findings: string[];
  status: CaseStatus;
  stage: StageStatus;
  remainingClaimOre: number;
  needsAttention: { rawState: string; rawStatus?: string } | null;
}

/**
 * The date the partner left the last period with `condition`, i.e. the date of the status entry after
 * the last one with that condition, if that next entry has one of the `into` conditions.
 */
function endOfLast(view: PartnerCaseView, condition: PartnerCondition, into: readonly PartnerCondition[]): LocalDate | null {
  const entries = view.conditions;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i].condition !== condition) continue;
    const next = entries[i + 1];
    return next && into.includes(next.condition) ? next.on : null;
  }
  return null;
}

export function convergeCommands(view: PartnerCaseView, ours: OurCaseSnapshot, options: ConvergeOptions = {}): Convergence {
  const commands: PartnerDrivenCommand[] = [];
  const findings: string[] = [];
  const caseId = ours.caseId;

  if (ours.partnerUpdatedAt && Date.parse(view.updatedAt) < Date.parse(ours.partnerUpdatedAt)) return { commands, findings };
  if (ours.partnerCaseId !== null && ours.partnerCaseId !== view.partnerCaseId) {
    findings.push(`The partner's case ${view.partnerCaseId} is not the one our case is registered as (${ours.partnerCaseId}); nothing was applied.`);
    return { commands, findings };
  }

  const sim: Simulated = {
    caseId,
    flaggedNow: false,
    findings,
    status: ours.status,
    stage: ours.stage,
    remainingClaimOre: ours.remainingClaimOre,
    needsAttention: ours.needsAttention,
  };
  const emit = (command: PartnerDrivenCommand, finding: string) => {
    commands.push(command);
    findings.push(finding);
  };

  // ---------------------------------------------------------------- an ended case only takes money
  if (isTerminal(ours.status)) {
    const problem = ours.status === 'credited' ? null : convergePayments(view, ours, sim, emit);
    if (problem) findings.push(problem); // an ended case cannot be flagged; the trail says it
    const agreeing = AGREEING_CONDITION[ours.status];
    if (view.condition !== agreeing)
      findings.push(`We ended the case as ${ours.status}; the partner reports it ${view.raw.status} (${view.raw.state}).`);
    return { commands, findings };
  }

  // ------------------------------------------------------------------------------------ registration
  if (ours.partnerCaseId === null) {
    if (sim.status === 'requested') {
      emit(
        {
          type: 'RecordPartnerRegistration',
          data: { caseId, partnerCaseId: view.partnerCaseId, ...(view.ocr ? { partnerOcr: view.ocr } : {}) },
        },
        `Partner reports the case registered as ${view.partnerCaseId}; we had it requested.`,
      );
      sim.status = sim.stage = 'registered';
      sim.needsAttention = null;
    } else {
      findings.push(`Our case is ${sim.status} but has no partner case id; the partner's case ${view.partnerCaseId} was not linked.`);
      return { commands, findings };
    }
  }

  // ------------------------------------------------- leave a dispute or a pause the partner has left
  // First, because our domain records no stage while a case is disputed.
  if (sim.status === 'disputed' && (view.condition === 'active' || view.condition === 'respite')) {
    const resolvedOn = endOfLast(view, 'disputed', ['active', 'respite']);
    if (resolvedOn) {
      emit({ type: 'RecordDisputeResolved', data: { caseId, on: resolvedOn } }, `Partner reports the dispute resolved on ${resolvedOn}; we had it disputed.`);
      sim.status = sim.stage;
      sim.needsAttention = null;
    } else {
      findings.push(`We have the case disputed; the partner reports it ${view.raw.status} without a dispute in its history (an older view?): kept ours.`);
    }
  }
  if (sim.status === 'paused' && view.condition === 'active') {
    const endedOn = endOfLast(view, 'respite', ['active']);
    const ranOut = options.today !== undefined && ours.pausedUntil !== null && options.today >= ours.pausedUntil;
    const partnerEndedOurs = endedOn !== null && (ours.pausedUntil === null || endedOn >= ours.pausedUntil);
    if (ranOut || partnerEndedOurs) {
      emit(
        { type: 'ResumeReminderCase', data: {} },
        `Partner reports the respite over${endedOn ? ` on ${endedOn}` : ''}; we had the case paused until ${ours.pausedUntil ?? 'further notice'}.`,
      );
      sim.status = sim.stage;
      sim.needsAttention = null;
    } else {
      findings.push(
        `We paused the case until ${ours.pausedUntil ?? 'further notice'}; the partner reports it active` +
          `${endedOn ? ` since ${endedOn}` : ''} (the respite may not have reached it yet): kept ours.`,
      );
    }
  }

  // ---------------------------------------------------------------------------------------- stages
  const fees = feesByStage(view);
  for (const entry of view.stages) {
    if (entry.stage === 'registered' || rank(entry.stage) <= rank(sim.stage)) continue;
    const reported = `Partner reports ${STAGE_REPORTED[entry.stage]} on ${entry.on}`;
    if (sim.status === 'disputed') {
      findings.push(`${reported}, which our case cannot record while it is disputed.`);
      break;
    }
    if (!STAGE_TRANSITIONS[sim.stage].includes(entry.stage)) {
      attention(view, sim, emit, `${reported}, which cannot follow ${OUR_STATUS[sim.stage]} in our stage machine.`);
      break;
    }
    const feeOre = fees.get(entry.stage) ?? 0;
    emit(
      { type: 'RecordPartnerStage', data: { caseId, stage: entry.stage, on: entry.on, ...(feeOre ? { feeOre } : {}) } },
      `${reported}; we had ${OUR_STATUS[sim.status]}.`,
    );
    sim.status = sim.stage = entry.stage;
    sim.needsAttention = null;
  }
  const partnerLatest = view.stages.reduce<PartnerStage | null>((latest, s) => (!latest || rank(s.stage) > rank(latest) ? s.stage : latest), null);
  if (partnerLatest && rank(partnerLatest) < rank(sim.stage))
    findings.push(`Partner reports ${STAGE_REPORTED[partnerLatest]} as its latest stage; we are further (${OUR_STATUS[sim.stage]}): kept ours.`);

  // -------------------------------------------------------------------------------------- payments
  const paymentProblem = convergePayments(view, ours, sim, emit);
  if (paymentProblem) attention(view, sim, emit, paymentProblem);
  if (isTerminal(sim.status)) {
    if (view.condition !== 'paid') findings.push(`Partner's payments cover our claim; the partner reports the case ${view.raw.status}.`);
    return { commands, findings };
  }

  // ------------------------------------------------------------------------------------- condition
  switch (view.condition) {
    case 'active':
      if (view.closed) findings.push(`Partner reports the case active but closed${view.closedReason ? ` (${view.closedReason})` : ''}.`);
      break;
    case 'disputed':
      if (sim.status !== 'disputed') {
        const on = view.disputedSince ?? stockholmDate(view.updatedAt);
        emit({ type: 'RecordDispute', data: { caseId, on } }, `Partner reports the case disputed since ${on}; we had ${OUR_STATUS[sim.status]}.`);
        sim.status = 'disputed';
        sim.needsAttention = null;
      }
      break;
    case 'respite':
      convergeRespite(view, ours, sim, options, emit, findings);
      break;
    case 'paid':
      // Not paid by the payments above: they fall short of our claim, or one was too large (flagged above).
      if (!paymentProblem)
        attention(
          view,
          sim,
          emit,
          `Partner reports the case paid but its capital payments (${unrecordedDebtorCapital(view, ours)} öre) do not cover our claim (${ours.remainingClaimOre} öre).`,
        );
      break;
    case 'cancelled': {
      const reason = view.closedReason ?? 'Cancelled at the partner.';
      emit({ type: 'CloseReminderCase', data: { reason } }, `Partner reports the case cancelled (${reason}); we had ${OUR_STATUS[sim.status]}.`);
      sim.status = 'closed';
      break;
    }
    case 'credited':
      emit(
        { type: 'RecordPartnerCrediting', data: { caseId, ...(view.closedReason ? { reason: view.closedReason } : {}) } },
        `Partner reports the case credited${view.closedReason ? ` (${view.closedReason})` : ''}; we had ${OUR_STATUS[sim.status]}.`,
      );
      sim.status = 'credited';
      break;
    case 'written_off': {
      const reason = view.closedReason ?? 'Written off by the partner.';
      emit({ type: 'RecordWriteOff', data: { caseId, reason } }, `Partner reports the case written off (${reason}); we had ${OUR_STATUS[sim.status]}.`);
      sim.status = 'written_off';
      break;
    }
    case 'rejected': {
      const reason = view.rejectReason ?? view.closedReason ?? 'Rejected by the partner.';
      if (sim.stage === 'requested' || sim.stage === 'registered') {
        emit({ type: 'RecordPartnerRejection', data: { caseId, reason } }, `Partner reports the case rejected (${reason}); we had ${OUR_STATUS[sim.status]}.`);
        sim.status = 'rejected';
      } else {
        attention(view, sim, emit, `Partner reports the case rejected (${reason}) after ${STAGE_REPORTED[sim.stage as PartnerStage]}; our case cannot be rejected at that stage.`);
      }
      break;
    }
    case 'unknown':
      attention(view, sim, emit, `Partner reports a status we do not know: '${view.raw.status}'.`);
      break;
  }
  if (!isTerminal(sim.status) && view.unknown.state !== undefined)
    attention(view, sim, emit, `Partner reports a state we do not know: '${view.raw.state}'.`);
  return { commands, findings };
}

// ----------------------------------------------------------------------------------------- helpers

type Emit = (command: PartnerDrivenCommand, finding: string) => void;

/**
 * Flags the case for a person with the partner's raw state and status. The domain keeps the flag
 * until a known step clears it, so a flag already set for the same values (by an earlier
 * reconciliation) is neither repeated nor reported again: a converged case yields no findings either.
 */
function attention(view: PartnerCaseView, sim: Simulated, emit: Emit, finding: string): void {
  const raw = { rawState: view.raw.state, rawStatus: view.raw.status };
  const flagged = sim.needsAttention;
  if (flagged && flagged.rawState === raw.rawState && flagged.rawStatus === raw.rawStatus) {
    if (sim.flaggedNow) sim.findings.push(finding);
    return;
  }
  emit({ type: 'RecordUnknownPartnerStatus', data: { caseId: sim.caseId, ...raw } }, finding);
  sim.needsAttention = raw;
  sim.flaggedNow = true;
}

/**
 * Debtor payments we have not recorded, as payments of their capital part (what reduces our claim;
 * fees and interest are the partner's and the creditor's business with the partner). Creditor-origin
 * payments are the direct payments we reported ourselves: already ours. Returns the problem, if a
 * payment does not fit what remains of our claim (it and those after it are then not recorded).
 */
function convergePayments(view: PartnerCaseView, ours: OurCaseSnapshot, sim: Simulated, emit: Emit): string | null {
  const unrecorded = view.payments
    .filter((p) => p.origin === 'debtor' && p.capitalOre > 0 && !ours.paymentIds.includes(p.partnerPaymentId))
    .sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0));
  for (const payment of unrecorded) {
    if (payment.capitalOre > sim.remainingClaimOre)
      return (
        `Partner reports a payment of ${payment.capitalOre} öre to capital on ${payment.paidOn} (${payment.partnerPaymentId}), ` +
        `more than what remains of our claim (${sim.remainingClaimOre} öre).`
      );
    emit(
      {
        type: 'RegisterPayment',
        data: {
          paymentId: payment.partnerPaymentId,
          amountOre: payment.capitalOre,
          paidOn: payment.paidOn,
          reference: payment.partnerPaymentId,
          source: 'partner',
        },
      },
      `Partner reports a payment of ${payment.capitalOre} öre to capital on ${payment.paidOn} (${payment.partnerPaymentId}); we had not recorded it.`,
    );
    sim.remainingClaimOre -= payment.capitalOre;
    if (sim.remainingClaimOre === 0 && !isTerminal(sim.status)) {
      sim.status = 'paid';
      sim.needsAttention = null;
    }
  }
  return null;
}

function unrecordedDebtorCapital(view: PartnerCaseView, ours: OurCaseSnapshot): number {
  return view.payments
    .filter((p) => p.origin === 'debtor' && !ours.paymentIds.includes(p.partnerPaymentId))
    .reduce((sum, p) => sum + p.capitalOre, 0);
}

function convergeRespite(
  view: PartnerCaseView,
  ours: OurCaseSnapshot,
  sim: Simulated,
  options: ConvergeOptions,
  emit: Emit,
  findings: string[],
): void {
  const until = view.respiteUntil;
  if (sim.status === 'paused') {
    // Still paused (no stage was recorded since): compare the end dates only.
    if (until && ours.pausedUntil !== until)
      findings.push(`Partner reports a respite until ${until}; we have the case paused until ${ours.pausedUntil ?? 'further notice'}.`);
    return;
  }
  if (sim.status === 'disputed') {
    findings.push(`Partner reports a respite${until ? ` until ${until}` : ''}; we have the case disputed: kept ours.`);
    return;
  }
  if (!until) {
    findings.push('Partner reports a respite without an end date; the case was not paused.');
    return;
  }
  if (options.today !== undefined && until <= options.today) {
    findings.push(`Partner reports a respite until ${until}, which has run out; the case was not paused.`);
    return;
  }
  if (!PAUSABLE.includes(sim.stage)) {
    findings.push(`Partner reports a respite until ${until}; our case cannot be paused at ${OUR_STATUS[sim.stage]}.`);
    return;
  }
  emit(
    { type: 'PauseReminderCase', data: { until, reason: 'Respite (anstånd) at the partner.' } },
    `Partner reports a respite until ${until}; we had ${OUR_STATUS[sim.status]}.`,
  );
  sim.status = 'paused';
}

/**
 * The fee the partner added at each stage: a reminder fee belongs to the reminder, a collection fee to
 * debt collection; any other cost to the latest stage reached on or before its date.
 */
function feesByStage(view: PartnerCaseView): Map<PartnerStage, number> {
  const fees = new Map<PartnerStage, number>();
  const reached = (stage: PartnerStage) => view.stages.some((s) => s.stage === stage);
  for (const cost of view.costs) {
    let stage: PartnerStage | undefined;
    if (cost.kind === 'reminder_fee' && reached('reminder_sent')) stage = 'reminder_sent';
    else if (cost.kind === 'debt_collection_fee' && reached('debt_collection')) stage = 'debt_collection';
    else stage = [...view.stages].reverse().find((s) => s.on <= cost.on)?.stage ?? view.stages[0]?.stage;
    if (stage) fees.set(stage, (fees.get(stage) ?? 0) + cost.amountOre);
  }
  return fees;
}
