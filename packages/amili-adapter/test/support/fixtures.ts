/** Partner cases as the partner writes them (decimal SEK, RFC 1123), built from our units for readability. */
import { type InvoiceDetails, luhnCheckDigit } from '@pm/domain';
import { type PartnerCaseView, toPartnerCaseView } from '../../src/case-view';
import { type PartnerLogger } from '../../src/http-client';
import { formatRfc1123 } from '../../src/money-and-dates';
import { wireCase } from '../../src/wire';

/** '2026-11-24' or '2026-11-24T13:45:10' (UTC) → RFC 1123. */
export const rfc = (when: string): string => formatRfc1123(Date.parse(when.length === 10 ? `${when}T00:00:00Z` : `${when}Z`));

export const silentLogger = (): PartnerLogger & { lines: { message: string; details?: Record<string, unknown> }[] } => {
  const lines: { message: string; details?: Record<string, unknown> }[] = [];
  return { lines, warn: (message, details) => lines.push({ message, details }) };
};

export interface CaseSpec {
  id?: string;
  creditor?: string;
  invoiceNumber?: string;
  created?: string;
  updated?: string;
  etag?: string;
  state?: string;
  status?: string;
  states?: [state: string, on: string][];
  statuses?: [status: string, on: string][];
  closed?: boolean;
  closedReason?: string | null;
  respiteUntil?: string | null;
  rejectReason?: string | null;
  capital?: [original: number | string, remaining: number | string];
  interestRemaining?: number | string;
  costs?: { type: string; amount: number | string; on: string }[];
  payments?: { id: string; amount: number | string; on: string; origin?: string; costs?: number | string; interest?: number | string; capital: number | string }[];
}

export function wireCaseJson(spec: CaseSpec = {}): Record<string, unknown> {
  const states = spec.states ?? [['initializing', '2026-11-20']];
  const statuses = spec.statuses ?? [['active', states[0][1]]];
  const closedStatuses = ['paid', 'cancelled', 'credited', 'written_off', 'rejected'];
  const status = spec.status ?? statuses[statuses.length - 1][0];
  return {
    _id: spec.id ?? 'c_1',
    _created: rfc(spec.created ?? '2026-11-20T09:00:00'),
    _updated: rfc(spec.updated ?? '2026-11-25T09:00:00'),
    _etag: spec.etag ?? 'etag-1',
    creditor: spec.creditor ?? 'cr_1',
    invoice_number: spec.invoiceNumber ?? '1001',
    ocr: '10016',
    debtor: { name: 'Kalle Svensson', id_number: '198112189876', is_company: false },
    state: spec.state ?? states[states.length - 1][0],
    status,
    state_history: states.map(([state, on]) => ({ state, date: rfc(on) })),
    status_history: statuses.map(([s, on]) => ({ status: s, date: rfc(on) })),
    closed: spec.closed ?? closedStatuses.includes(status),
    closed_reason: spec.closedReason ?? null,
    respite_until: spec.respiteUntil ? rfc(spec.respiteUntil) : null,
    reject_reason: spec.rejectReason ?? null,
    capital: { original: spec.capital?.[0] ?? 1250, remaining: spec.capital?.[1] ?? 1250 },
    interest: { rate: 12, accrued: 0, remaining: spec.interestRemaining ?? 0 },
    costs: (spec.costs ?? []).map((c) => ({ type: c.type, amount: c.amount, date: rfc(c.on) })),
    remaining_costs: 0,
    total_remaining: 1250,
    payments: (spec.payments ?? []).map((p) => ({
      _id: p.id,
      amount: p.amount,
      date: rfc(p.on),
      origin: p.origin ?? 'debtor',
      allocation: { costs: p.costs ?? 0, interest: p.interest ?? 0, capital: p.capital },
    })),
  };
}

/** A payment reference as the partner prints it on a payout: digits and a Luhn digit. */
export const payoutReference = (n: number): string => {
  const base = String(1_000_000_000 + n);
  return base + luhnCheckDigit(base);
};

export interface PayoutSpec {
  id?: string;
  creditor?: string;
  updated?: string;
  etag?: string;
  payoutDate?: string;
  currency?: string;
  /** Defaults to the items' sum. */
  amount?: number | string;
  reference?: string;
  items?: { case?: string; invoiceNumber?: string; payment: string; capital: number | string; interest: number | string }[];
}

export function wirePayoutJson(spec: PayoutSpec = {}): Record<string, unknown> {
  const items = spec.items ?? [{ payment: 'p_1', capital: 436.71, interest: 3.29 }];
  const sumOre = items.reduce((sum, item) => sum + Math.round(Number(item.capital) * 100) + Math.round(Number(item.interest) * 100), 0);
  return {
    _id: spec.id ?? 'po_1',
    _created: rfc(spec.updated ?? '2026-11-26T00:00:04'),
    _updated: rfc(spec.updated ?? '2026-11-26T00:00:04'),
    _etag: spec.etag ?? 'etag-1',
    creditor: spec.creditor ?? 'cr_1',
    payout_date: rfc(spec.payoutDate ?? '2026-11-26'),
    currency: spec.currency ?? 'SEK',
    amount: spec.amount ?? sumOre / 100,
    reference: spec.reference ?? payoutReference(1),
    items: items.map((item) => ({
      case: item.case ?? 'c_1',
      invoice_number: item.invoiceNumber ?? '1001',
      payment: item.payment,
      capital: item.capital,
      interest: item.interest,
    })),
  };
}

export function viewOf(spec: CaseSpec = {}, logger: PartnerLogger = silentLogger()): PartnerCaseView {
  return toPartnerCaseView(wireCase.parse(wireCaseJson(spec)), logger);
}

export function invoiceFixture(overrides: Partial<InvoiceDetails> = {}): InvoiceDetails {
  return {
    invoiceNumber: '1001',
    invoiceDate: '2026-10-01',
    dueDate: '2026-10-31',
    currency: 'SEK',
    totalOre: 125_000,
    vatOre: 25_000,
    customer: {
      name: 'Kalle Svensson',
      identityNumber: '811218-9876',
      isCompany: false,
      email: 'kalle@example.se',
      address: { line1: 'Lillgatan 2', postalCode: '222 33', city: 'Lund', country: 'se' },
    },
    ...overrides,
  };
}
