/**
 * The partner's case in our vocabulary. The partner's states, statuses and cost types are mapped
 * through one table each; a value missing from a table is kept raw, flagged and logged, never fatal,
 * because the partner says more values may come.
 */
import { type LocalDate } from '@pm/domain';
import { type PartnerLogger } from './http-client';
import { rfc1123ToIso, rfc1123ToLocalDate, sekToOre } from './money-and-dates';
import { type WireCase } from './wire';

export type PartnerStage = 'registered' | 'reminder_sent' | 'debt_collection' | 'decision_required' | 'enforcement' | 'surveillance';

export type PartnerCondition =
  | 'active'
  | 'disputed'
  | 'respite'
  | 'paid'
  | 'cancelled'
  | 'credited'
  | 'written_off'
  | 'rejected'
  | 'unknown';

export type PartnerCostKind = 'reminder_fee' | 'debt_collection_fee' | 'late_payment_compensation' | 'other';

/** The partner's `state` (collection stage) → our stage. */
export const PARTNER_STATE_TO_STAGE: Readonly<Record<string, PartnerStage>> = {
  initializing: 'registered',
  // The partner itself sends the invoice (invoice service): registered, no reminder yet.
  invoice: 'registered',
  reminder: 'reminder_sent',
  debt_collection: 'debt_collection',
  decision: 'decision_required',
  enforcement: 'enforcement',
  surveillance: 'surveillance',
};

/** The partner's `status` → our reading of the case's condition. */
export const PARTNER_STATUS_TO_CONDITION: Readonly<Record<string, Exclude<PartnerCondition, 'unknown'>>> = {
  active: 'active',
  disputed: 'disputed',
  respite: 'respite',
  paid: 'paid',
  cancelled: 'cancelled',
  credited: 'credited',
  written_off: 'written_off',
  rejected: 'rejected',
};

const PARTNER_COST_TYPE_TO_KIND: Readonly<Record<string, PartnerCostKind>> = {
  reminder_fee: 'reminder_fee',
  debt_collection_fee: 'debt_collection_fee',
  late_payment_compensation: 'late_payment_compensation',
};

// Own keys only: a state named 'constructor' must not find Object.prototype.constructor.
const lookup = <V>(table: Readonly<Record<string, V>>, key: string): V | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

export const partnerStageOf = (state: string): PartnerStage | undefined => lookup(PARTNER_STATE_TO_STAGE, state);
export const partnerConditionOf = (status: string): PartnerCondition => lookup(PARTNER_STATUS_TO_CONDITION, status) ?? 'unknown';

export interface PartnerStageEntry {
  stage: PartnerStage;
  on: LocalDate;
}

export interface PartnerConditionEntry {
  condition: PartnerCondition;
  /** The partner's status as sent. */
  raw: string;
  on: LocalDate;
}

export interface PartnerCost {
  kind: PartnerCostKind;
  amountOre: number;
  on: LocalDate;
  /** The partner's cost type as sent (differs from `kind` for 'other'). */
  rawType: string;
}

export interface PartnerPayment {
  partnerPaymentId: string;
  paidOn: LocalDate;
  amountOre: number;
  /** The part the partner allocated to capital (payments go to costs, then interest, then capital). */
  capitalOre: number;
  /** 'debtor': paid to the partner; 'creditor': reported by us (the debtor paid the company directly). */
  origin: 'debtor' | 'creditor';
}

export interface PartnerCaseView {
  partnerCaseId: string;
  creditorId: string;
  invoiceNumber: string;
  ocr: string | null;
  etag: string;
  /** ISO instant (second resolution). */
  createdAt: string;
  updatedAt: string;
  closed: boolean;
  raw: { state: string; status: string };
  /** The current state as a stage, or null when it is unknown. */
  stage: PartnerStage | null;
  /** Known stages from the state history, in order, each once (first date it was reached). */
  stages: PartnerStageEntry[];
  condition: PartnerCondition;
  /** The status history, in order, mapped through the same table as `condition`. */
  conditions: PartnerConditionEntry[];
  respiteUntil: LocalDate | null;
  rejectReason: string | null;
  closedReason: string | null;
  disputedSince?: LocalDate;
  capitalOriginalOre: number;
  capitalRemainingOre: number;
  interestRemainingOre: number;
  costs: PartnerCost[];
  payments: PartnerPayment[];
  /** Values no table knows, kept raw. `historyStates`: unknown states the case passed through. */
  unknown: { state?: string; status?: string; historyStates?: string[] };
}

/** Maps a validated wire case; logs each unknown value it keeps raw. */
export function toPartnerCaseView(wire: WireCase, logger: PartnerLogger): PartnerCaseView {
  const stages: PartnerStageEntry[] = [];
  const unknownHistory: string[] = [];
  for (const entry of wire.state_history) {
    const stage = partnerStageOf(entry.state);
    if (!stage) {
      if (!unknownHistory.includes(entry.state)) unknownHistory.push(entry.state);
    } else if (!stages.some((s) => s.stage === stage)) {
      stages.push({ stage, on: rfc1123ToLocalDate(entry.date) });
    }
  }
  const stage = partnerStageOf(wire.state) ?? null;
  if (stage && !stages.some((s) => s.stage === stage)) {
    // The history lags its own current state; the last update is the best date there is.
    logger.warn(`Partner case ${wire._id} is in state '${wire.state}' but its state history does not say when it got there`, {
      partnerCaseId: wire._id,
      state: wire.state,
    });
    stages.push({ stage, on: rfc1123ToLocalDate(wire._updated) });
  }

  const condition = partnerConditionOf(wire.status);
  const conditions = wire.status_history.map((entry) => ({
    condition: partnerConditionOf(entry.status),
    raw: entry.status,
    on: rfc1123ToLocalDate(entry.date),
  }));

  const unknown: PartnerCaseView['unknown'] = {};
  if (!stage) unknown.state = wire.state;
  if (condition === 'unknown') unknown.status = wire.status;
  const pastUnknown = unknownHistory.filter((state) => state !== wire.state);
  if (pastUnknown.length) unknown.historyStates = pastUnknown;
  if (unknown.state !== undefined || unknown.status !== undefined || pastUnknown.length) {
    logger.warn(`Partner case ${wire._id} has values the adapter does not know; kept raw`, {
      partnerCaseId: wire._id,
      ...(unknown.state !== undefined ? { state: unknown.state } : {}),
      ...(unknown.status !== undefined ? { status: unknown.status } : {}),
      ...(pastUnknown.length ? { historyStates: pastUnknown } : {}),
    });
  }

  const lastDisputed = [...conditions].reverse().find((entry) => entry.condition === 'disputed');

  return {
    partnerCaseId: wire._id,
    creditorId: wire.creditor,
    invoiceNumber: wire.invoice_number,
    ocr: wire.ocr,
    etag: wire._etag,
    createdAt: rfc1123ToIso(wire._created),
    updatedAt: rfc1123ToIso(wire._updated),
    closed: wire.closed,
    raw: { state: wire.state, status: wire.status },
    stage,
    stages,
    condition,
    conditions,
    respiteUntil: wire.respite_until ? rfc1123ToLocalDate(wire.respite_until) : null,
    rejectReason: wire.reject_reason,
    closedReason: wire.closed_reason,
    ...(condition === 'disputed' ? { disputedSince: lastDisputed?.on ?? rfc1123ToLocalDate(wire._updated) } : {}),
    capitalOriginalOre: sekToOre(wire.capital.original),
    capitalRemainingOre: sekToOre(wire.capital.remaining),
    interestRemainingOre: sekToOre(wire.interest.remaining),
    costs: wire.costs.map((cost) => ({
      kind: lookup(PARTNER_COST_TYPE_TO_KIND, cost.type) ?? 'other',
      amountOre: sekToOre(cost.amount),
      on: rfc1123ToLocalDate(cost.date),
      rawType: cost.type,
    })),
    payments: wire.payments.map((payment) => ({
      partnerPaymentId: payment._id,
      paidOn: rfc1123ToLocalDate(payment.date),
      amountOre: sekToOre(payment.amount),
      capitalOre: sekToOre(payment.allocation.capital),
      origin: payment.origin,
    })),
    unknown,
  };
}
