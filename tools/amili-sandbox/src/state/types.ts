/**
 * The sandbox's whole state, saved as a JSON snapshot and a journal of changes (see store.ts). Times are
 * epoch ms on the sandbox clock, calendar dates are epoch days (UTC), money is integer öre.
 */

export const STATE_SCHEMA = 1;

export const CASE_STATES = ['initializing', 'invoice', 'reminder', 'debt_collection', 'decision', 'enforcement', 'surveillance'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STATUSES = ['active', 'disputed', 'respite', 'paid', 'cancelled', 'credited', 'written_off', 'rejected'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The five statuses after which nothing happens to a case any more. */
export const CLOSED_STATUSES: ReadonlySet<CaseStatus> = new Set(['paid', 'cancelled', 'credited', 'written_off', 'rejected']);

export type CostType = 'reminder_fee' | 'debt_collection_fee' | 'late_payment_compensation';
export type FirstAction = 'reminder' | 'debt_collection';
export type ResultStatus = 'completed' | 'warning' | 'error';

export interface ResourceMeta {
  id: string;
  created: number;
  updated: number;
  /** Bumped on every update; the `_etag` is derived from it. */
  version: number;
}

export interface Address {
  address_line_1: string;
  address_line_2: string | null;
  zip_code: string;
  city: string;
  country: string;
}

export interface CreditorRecord extends ResourceMeta {
  organizationNumber: string;
  name: string;
  address: Address;
  reminderFeeAgreed: boolean;
}

export interface RegistrationRecord extends ResourceMeta {
  creditor: string;
  status: ResultStatus;
  messages: string[];
  cases: Array<{ id: string; invoiceNumber: string; ocr: string }>;
}

export interface Debtor {
  name: string;
  idNumber: string;
  isCompany: boolean;
  address: Address;
  email: string | null;
  mobileNumber: string | null;
}

export interface PaymentRecord {
  id: string;
  amountOre: number;
  at: number;
  origin: 'debtor' | 'creditor';
  reference: string | null;
  allocation: { costsOre: number; interestOre: number; capitalOre: number };
  /**
   * Debtor payments only: the payout that paid its capital and interest to the creditor, or null when
   * it paid fees only (nothing to pay out). Absent until a payout run has taken it.
   */
  payout?: string | null;
}

export interface CostRecord {
  type: CostType;
  amountOre: number;
  at: number;
}

/** The next lifecycle step. `at` is null while the case is frozen; `remainingMs` then keeps the time left. */
export interface NextStep {
  state: CaseState;
  at: number | null;
  remainingMs: number | null;
}

export interface CaseRecord extends ResourceMeta {
  creditor: string;
  registration: string;
  invoiceNumber: string;
  debtDescription: string | null;
  invoiceDay: number;
  dueDay: number;
  ocr: string;
  debtor: Debtor;
  firstAction: FirstAction;
  /** The creditor's terms when the case was registered (the fee must be agreed when the debt arose). */
  reminderFeeAgreed: boolean;
  state: CaseState;
  status: CaseStatus;
  stateHistory: Array<{ state: CaseState; at: number }>;
  statusHistory: Array<{ status: CaseStatus; at: number }>;
  closedReason: string | null;
  rejectReason: string | null;
  respiteUntilDay: number | null;
  next: NextStep | null;
  capitalOriginalOre: number;
  capitalRemainingOre: number;
  interest: {
    /** Exact accrued interest (öre × bp × days, a BigInt as a decimal string) through `throughDay`. */
    numerator: string;
    throughDay: number;
    paidOre: number;
    writtenOffOre: number;
  };
  costs: CostRecord[];
  costsPaidOre: number;
  costsWrittenOffOre: number;
  payments: PaymentRecord[];
  /** What happened, in Swedish, for the portal. */
  log: Array<{ at: number; text: string }>;
}

/** One debtor payment's capital and interest in a payout (the fees stay with the partner). */
export interface PayoutItem {
  case: string;
  invoiceNumber: string;
  payment: string;
  capitalOre: number;
  interestOre: number;
}

/** The partner's bank transfer of collected capital and interest to one creditor. */
export interface PayoutRecord extends ResourceMeta {
  creditor: string;
  payoutDay: number;
  /** The numeric reference printed on the bank transfer (Luhn digit last). */
  reference: string;
  items: PayoutItem[];
}

export type ActionKind = 'payment' | 'crediting' | 'cancellation' | 'respite';

/** A creditor action as received and answered, kept for the record. */
export interface ActionRecord {
  id: string;
  at: number;
  kind: ActionKind;
  case: string | null;
  status: ResultStatus;
  messages: string[];
  request: unknown;
}

export interface IdempotencyRecord {
  at: number;
  statusCode: number;
  body: unknown;
}

export interface Faults {
  errorRate: number;
  latencyMs: number;
  duplicateRate: number;
  reorder: boolean;
  loseResponseRate: number;
}

export const NO_FAULTS: Faults = Object.freeze({ errorRate: 0, latencyMs: 0, duplicateRate: 0, reorder: false, loseResponseRate: 0 });

export interface WebhookConfig {
  url: string;
  secret: string;
}

export interface SandboxState {
  schema: typeof STATE_SCHEMA;
  /** The sandbox clock is real time plus this offset; `/_sandbox/clock/advance` only ever increases it. */
  clockOffsetMs: number;
  ocrSequence: number;
  payoutSequence: number;
  creditors: Record<string, CreditorRecord>;
  registrations: Record<string, RegistrationRecord>;
  cases: Record<string, CaseRecord>;
  payouts: Record<string, PayoutRecord>;
  actions: Record<string, ActionRecord>;
  idempotency: Record<string, IdempotencyRecord>;
  faults: Faults;
  webhook: WebhookConfig | null;
}

export function emptyState(): SandboxState {
  return {
    schema: STATE_SCHEMA,
    clockOffsetMs: 0,
    ocrSequence: 0,
    payoutSequence: 0,
    creditors: {},
    registrations: {},
    cases: {},
    payouts: {},
    actions: {},
    idempotency: {},
    faults: { ...NO_FAULTS },
    webhook: null,
  };
}
