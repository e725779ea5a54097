/**
 * The reminder case's life: requested by the company, registered at the partner, reminder sent, debt
 * collection, then decision / Kronofogden / surveillance. Disputes and pauses freeze the case and
 * remember where it was. Terminal outcomes end it.
 */
export type ActiveCaseStatus =
  | 'requested'
  | 'registered'
  | 'reminder_sent'
  | 'debt_collection'
  | 'decision_required'
  | 'enforcement'
  | 'surveillance'
  | 'disputed'
  | 'paused';

export type TerminalCaseStatus = 'paid' | 'closed' | 'rejected' | 'credited' | 'written_off';
export type CaseStatus = ActiveCaseStatus | TerminalCaseStatus;

export const TERMINAL_CASE_STATUSES: readonly TerminalCaseStatus[] = ['paid', 'closed', 'rejected', 'credited', 'written_off'];
export const ACTIVE_CASE_STATUSES: readonly ActiveCaseStatus[] = [
  'requested',
  'registered',
  'reminder_sent',
  'debt_collection',
  'decision_required',
  'enforcement',
  'surveillance',
  'disputed',
  'paused',
];

export function isTerminal(status: CaseStatus): status is TerminalCaseStatus {
  return (TERMINAL_CASE_STATUSES as readonly string[]).includes(status);
}

/** The partner's collection stages a case moves through (the statuses a pause or dispute returns to). */
export type StageStatus = Exclude<ActiveCaseStatus, 'disputed' | 'paused'>;

/** Which stage may follow which: the partner's steps only move forward. */
export const STAGE_TRANSITIONS: Readonly<Record<StageStatus, readonly StageStatus[]>> = {
  requested: ['registered', 'reminder_sent', 'debt_collection'],
  registered: ['reminder_sent', 'debt_collection'],
  reminder_sent: ['debt_collection'],
  debt_collection: ['decision_required', 'enforcement', 'surveillance'],
  decision_required: ['enforcement', 'surveillance'],
  enforcement: ['surveillance'],
  surveillance: [],
};

/** Stages in which the company may pause the case (anstånd) at the partner. */
export const PAUSABLE: readonly StageStatus[] = ['registered', 'reminder_sent', 'debt_collection', 'decision_required'];

export interface ReminderCase {
  caseId: string;
  status: CaseStatus;
  /** The stage to return to after a dispute or pause. */
  stage: StageStatus;
  /** The claim when the case was requested (customer's share minus payments), in öre. */
  initialClaimOre: number;
  requestedAt: string;
  requestedBy: string;
  partnerCaseId: string | null;
  partnerOcr: string | null;
  reminderSentOn: string | null;
  debtCollectionOn: string | null;
  pausedUntil: string | null;
  feesOre: number;
  endedAt: string | null;
  endReason: string | null;
  /** Set when the partner reported a state or status we do not know; cleared by the next known step. */
  needsAttention: { rawState: string; rawStatus?: string; seenAt: string } | null;
}
