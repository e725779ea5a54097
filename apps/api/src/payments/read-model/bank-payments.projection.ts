import { Injectable } from '@nestjs/common';
import { type BankPaymentEvent, type IncomingPaymentFacts } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type LiveChange, type Projection, companyIdOf } from '../../infrastructure/projections/projection';

export const BANK_PAYMENT_STREAM_PREFIX = 'bank-payment-';

interface NewRow {
  payment_id: string;
  company_id: string;
  stream_id: string;
  bank_reference: string;
  import_id: string;
  amount_ore: number;
  booking_date: string;
  payer_name: string | null;
  payment: IncomingPaymentFacts;
  received_at: string;
}

/** What a batch changed of one payment; `set_*` say which groups of columns it touched. */
interface Patch {
  payment_id: string;
  status: string | null;
  set_queue: boolean;
  queue_reason: string | null;
  suggestion: string | null;
  set_match: boolean;
  allocations: unknown;
  overpayment_ore: number;
  payout_id: string | null;
  match_method: string | null;
  booked: boolean;
  dismiss_reason: string | null;
  updated_at: string;
}

/**
 * Incoming bank payments: the queue of unmatched ones, and where each matched one went. Set-based: a
 * batch of events becomes one insert and one update, however many payments it holds (an import of a
 * large bank file writes hundreds of thousands of events).
 */
@Injectable()
export class BankPaymentsProjection implements Projection {
  readonly name = 'bank-payments';
  readonly tables = ['rm_bank_payments'];
  readonly schema = [
    `CREATE TABLE IF NOT EXISTS rm_bank_payments (
      payment_id text PRIMARY KEY,
      company_id text NOT NULL,
      stream_id text NOT NULL UNIQUE,
      bank_reference text NOT NULL,
      import_id text NOT NULL,
      amount_ore bigint NOT NULL,
      booking_date text NOT NULL,
      payer_name text,
      payment jsonb NOT NULL,
      status text NOT NULL,
      queue_reason text,
      suggestion text,
      allocations jsonb,
      overpayment_ore bigint NOT NULL DEFAULT 0,
      payout_id text,
      match_method text,
      booked boolean NOT NULL DEFAULT false,
      dismiss_reason text,
      received_at text NOT NULL,
      updated_at text NOT NULL
    )`,
    'CREATE INDEX IF NOT EXISTS rm_bank_payments_queue ON rm_bank_payments (company_id, status, booking_date)',
    'CREATE INDEX IF NOT EXISTS rm_bank_payments_import ON rm_bank_payments (import_id)',
  ];

  async apply(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<LiveChange[]> {
    const inserts: NewRow[] = [];
    const patches = new Map<string, Patch>();
    for (const stored of events) {
      if (!stored.streamId.startsWith(BANK_PAYMENT_STREAM_PREFIX)) continue;
      const companyId = companyIdOf(stored);
      const paymentId = stored.metadata.paymentId;
      if (!companyId || typeof paymentId !== 'string') continue;
      const event = stored as unknown as BankPaymentEvent;
      const at = stored.metadata.occurredAt;
      const patch = (): Patch => {
        let p = patches.get(paymentId);
        if (!p) {
          p = { payment_id: paymentId, status: null, set_queue: false, queue_reason: null, suggestion: null, set_match: false, allocations: null, overpayment_ore: 0, payout_id: null, match_method: null, booked: false, dismiss_reason: null, updated_at: at };
          patches.set(paymentId, p);
        }
        p.updated_at = at;
        return p;
      };
      switch (event.type) {
        case 'BankPaymentReceived': {
          const p = event.data.payment;
          inserts.push({
            payment_id: paymentId,
            company_id: companyId,
            stream_id: stored.streamId,
            bank_reference: p.bankReference,
            import_id: event.data.importId,
            amount_ore: p.amountOre,
            booking_date: p.bookingDate,
            payer_name: p.payerName ?? null,
            payment: p,
            received_at: at,
          });
          break;
        }
        case 'BankPaymentQueued':
          Object.assign(patch(), { status: 'queued', set_queue: true, queue_reason: event.data.reason, suggestion: event.data.suggestion ?? null });
          break;
        case 'BankPaymentMatched':
          Object.assign(patch(), {
            status: 'matched',
            set_queue: true,
            queue_reason: null,
            suggestion: null,
            set_match: true,
            allocations: event.data.allocations,
            overpayment_ore: event.data.overpaymentOre ?? 0,
            payout_id: event.data.payoutId ?? null,
            match_method: event.data.method,
          });
          break;
        case 'BankPaymentBooked':
          patch().booked = true;
          break;
        case 'BankPaymentDismissed':
          Object.assign(patch(), { status: 'dismissed', set_queue: true, queue_reason: null, suggestion: null, dismiss_reason: event.data.reason });
          break;
      }
    }
    if (inserts.length > 0)
      await tx.query(
        `INSERT INTO rm_bank_payments (payment_id, company_id, stream_id, bank_reference, import_id, amount_ore, booking_date, payer_name, payment, status, received_at, updated_at)
         SELECT r.payment_id, r.company_id, r.stream_id, r.bank_reference, r.import_id, r.amount_ore, r.booking_date, r.payer_name, r.payment, 'received', r.received_at, r.received_at
           FROM jsonb_to_recordset($1::jsonb) AS r(payment_id text, company_id text, stream_id text, bank_reference text, import_id text,
             amount_ore bigint, booking_date text, payer_name text, payment jsonb, received_at text)
         ON CONFLICT (payment_id) DO NOTHING`,
        [JSON.stringify(inserts)],
      );
    if (patches.size > 0)
      await tx.query(
        `UPDATE rm_bank_payments t SET
           status = COALESCE(p.status, t.status),
           queue_reason = CASE WHEN p.set_queue THEN p.queue_reason ELSE t.queue_reason END,
           suggestion = CASE WHEN p.set_queue THEN p.suggestion ELSE t.suggestion END,
           allocations = CASE WHEN p.set_match THEN p.allocations ELSE t.allocations END,
           overpayment_ore = CASE WHEN p.set_match THEN p.overpayment_ore ELSE t.overpayment_ore END,
           payout_id = CASE WHEN p.set_match THEN p.payout_id ELSE t.payout_id END,
           match_method = CASE WHEN p.set_match THEN p.match_method ELSE t.match_method END,
           booked = t.booked OR p.booked,
           dismiss_reason = COALESCE(p.dismiss_reason, t.dismiss_reason),
           updated_at = p.updated_at
         FROM jsonb_to_recordset($1::jsonb) AS p(payment_id text, status text, set_queue boolean, queue_reason text, suggestion text, set_match boolean,
           allocations jsonb, overpayment_ore bigint, payout_id text, match_method text, booked boolean, dismiss_reason text, updated_at text)
         WHERE t.payment_id = p.payment_id`,
        [JSON.stringify([...patches.values()])],
      );
    return [];
  }
}
