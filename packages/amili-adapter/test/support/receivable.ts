/** Our side of a case, driven through the real domain decider, so convergence is checked against what the domain accepts. */
import { type Actor, type ReceivableCommand, type ReceivableState, receivableDecider, remainingClaimOre } from '@pm/domain';
import { type PartnerCaseView } from '../../src/case-view';
import { type ConvergeOptions, type OurCaseSnapshot, type PartnerDrivenCommand, convergeCommands } from '../../src/convergence';
import { invoiceFixture } from './fixtures';

const user: Actor = { kind: 'user', id: 'user-1' };
const partner: Actor = { kind: 'partner', id: 'amili' };

export function apply(state: ReceivableState, command: PartnerDrivenCommand | Omit<ReceivableCommand, 'now' | 'actor'>, now: string, actor = partner): ReceivableState {
  const events = receivableDecider.decide({ ...command, now, actor } as ReceivableCommand, state);
  return events.reduce(receivableDecider.evolve, state);
}

/** An overdue invoice of 1 250 kr sent to reminder handling on 2026-11-20: case 'case-1', requested. */
export function requestedCase(): ReceivableState {
  const now = '2026-11-20T09:00:00Z';
  let state = receivableDecider.initialState();
  state = apply(state, { type: 'UpsertInvoice', data: { invoice: invoiceFixture() } }, now, user);
  return apply(state, { type: 'SendToReminderHandling', data: { caseId: 'case-1', companyActive: true } }, now, user);
}

export function oursOf(state: ReceivableState, partnerUpdatedAt?: string): OurCaseSnapshot {
  const c = state.currentCase;
  if (!c) throw new Error('no case');
  return {
    caseId: c.caseId,
    status: c.status,
    stage: c.stage,
    partnerCaseId: c.partnerCaseId,
    paymentIds: state.paymentIds,
    remainingClaimOre: remainingClaimOre(state),
    pausedUntil: c.pausedUntil,
    needsAttention: c.needsAttention ? { rawState: c.needsAttention.rawState, rawStatus: c.needsAttention.rawStatus } : null,
    ...(partnerUpdatedAt ? { partnerUpdatedAt } : {}),
  };
}

/**
 * Converges, applies every command through the domain (which throws on any it refuses), and checks
 * that converging again against the same view asks for nothing more.
 */
export function reconcile(state: ReceivableState, view: PartnerCaseView, now: string, options: ConvergeOptions & { partnerUpdatedAt?: string } = {}) {
  const { commands, findings } = convergeCommands(view, oursOf(state, options.partnerUpdatedAt), options);
  const after = commands.reduce((s, command) => apply(s, command, now), state);
  const again = convergeCommands(view, oursOf(after, options.partnerUpdatedAt), options);
  return { state: after, commands, findings, again };
}
