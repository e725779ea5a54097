import { Injectable } from '@nestjs/common';
import { type BankPaymentEvent } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type LiveChange, type Projection, companyIdOf } from '../../infrastructure/projections/projection';

export const BANK_PAYMENT_STREAM_PREFIX = 'bank-payment-';

/** Incoming bank payments, for the queue of unmatched payments and the import reports. */
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
      invoice_number text,
      match_method text,
      booked boolean NOT NULL DEFAULT false,
      received_at text NOT NULL,
      updated_at text NOT NULL
    )`,
    'CREATE INDEX IF NOT EXISTS rm_bank_payments_queue ON rm_bank_payments (company_id, status, booking_date)',
  ];

  async apply(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<LiveChange[]> {
    for (const stored of events) {
      if (!stored.streamId.startsWith(BANK_PAYMENT_STREAM_PREFIX)) continue;
      const companyId = companyIdOf(stored);
      const paymentId = stored.metadata.paymentId;
      if (!companyId || typeof paymentId !== 'string') continue;
      const event = stored as unknown as BankPaymentEvent;
      const at = stored.metadata.occurredAt;
      switch (event.type) {
        case 'BankPaymentReceived': {
          const p = event.data.payment;
          await tx.query(
            `INSERT INTO rm_bank_payments (payment_id, company_id, stream_id, bank_reference, import_id, amount_ore, booking_date, payer_name,
               payment, status, received_at, updated_at)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'received',$10,$10) ON CONFLICT (payment_id) DO NOTHING`,
            [paymentId, companyId, stored.streamId, p.bankReference, event.data.importId, p.amountOre, p.bookingDate, p.payerName ?? null, JSON.stringify(p), at],
          );
          break;
        }
        case 'BankPaymentMatched':
          await tx.query(
            `UPDATE rm_bank_payments SET status = 'matched', invoice_number = $2, match_method = $3, queue_reason = NULL, updated_at = $4 WHERE payment_id = $1`,
            [paymentId, event.data.invoiceNumber, event.data.method, at],
          );
          break;
        case 'BankPaymentQueued':
          await tx.query(`UPDATE rm_bank_payments SET status = 'queued', queue_reason = $2, suggestion = $3, updated_at = $4 WHERE payment_id = $1`, [
            paymentId,
            event.data.reason,
            event.data.suggestion ?? null,
            at,
          ]);
          break;
        case 'BankPaymentBooked':
          await tx.query(`UPDATE rm_bank_payments SET booked = true, updated_at = $2 WHERE payment_id = $1`, [paymentId, at]);
          break;
      }
    }
    return [];
  }
}
