/**
 * Signed push notifications: after every committed case change, `{ event: "case.updated", case,
 * _updated, _etag }` is POSTed with `X-Webhook-Timestamp`, `X-Idempotency-Key` and
 * `X-Webhook-Signature: sha256=<HMAC-SHA256("<timestamp>.<raw body>")>`. A failed delivery (non-2xx or
 * no answer) is retried with backoff. The timestamp is real time, not the sandbox clock, so a
 * receiver's replay window keeps working after the clock was advanced by days.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { type FastifyBaseLogger } from 'fastify';
import { toRfc1123, toSecond } from './dates';
import { type Faults, type WebhookConfig } from './state/types';

export const RETRY_DELAYS_MS: readonly number[] = [500, 1_000, 2_000, 4_000, 8_000];
const REQUEST_TIMEOUT_MS = 5_000;
/** With `reorder`, a push waits up to this long, so later changes can overtake it. */
const REORDER_DELAY_MS = 1_000;
/** The second copy of a duplicated push follows shortly after the first. */
const DUPLICATE_GAP_MS = 50;

export interface CaseChange {
  id: string;
  updated: number;
  etag: string;
}

export function signature(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export class WebhookDispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly config: () => WebhookConfig | null,
    private readonly faults: () => Faults,
    private readonly log: FastifyBaseLogger,
  ) {}

  notify(change: CaseChange): void {
    const target = this.config();
    if (!target || this.closed) return;
    const body = JSON.stringify({ event: 'case.updated', case: change.id, _updated: toRfc1123(toSecond(change.updated)), _etag: change.etag });
    const key = randomUUID();
    const faults = this.faults();
    const copies = Math.random() < faults.duplicateRate ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const delay = (faults.reorder ? Math.floor(Math.random() * REORDER_DELAY_MS) : 0) + copy * DUPLICATE_GAP_MS;
      this.later(delay, () => this.deliver(target, key, body, 0));
    }
  }

  /** Stops retries and aborts deliveries under way; notifications are hints, polling catches up. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  private later(delayMs: number, run: () => Promise<void>): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async deliver(target: WebhookConfig, key: string, body: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    this.inFlight.add(controller);
    let failure: string | undefined;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-webhook-timestamp': timestamp,
          'x-idempotency-key': key,
          'x-webhook-signature': signature(target.secret, timestamp, body),
        },
        body,
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    if (failure === undefined || this.closed) return;
    if (attempt < RETRY_DELAYS_MS.length) {
      this.log.warn(`Push ${key} to ${target.url} failed (${failure}); retry ${attempt + 1} in ${RETRY_DELAYS_MS[attempt]} ms`);
      this.later(RETRY_DELAYS_MS[attempt], () => this.deliver(target, key, body, attempt + 1));
    } else {
      this.log.warn(`Push ${key} to ${target.url} failed (${failure}); giving up`);
    }
  }
}
