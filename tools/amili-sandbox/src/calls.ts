/**
 * The call log: every request to the partner API (not `/health`, `/portal` or `/_sandbox`) as it arrived,
 * with its idempotency key and what the sandbox made of it, so a test can tell how often each call came
 * and whether a repeat was absorbed. `GET /_sandbox/calls` lists it. Kept in memory since the sandbox
 * started (a restart empties it), the newest MAX_CALLS only.
 */
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { injectedFault, isFaultable, responseLost } from './faults';

export const MAX_CALLS = 100_000;

export interface CallRecord {
  /** 1, 2, 3 … in the order the answers were sent. */
  seq: number;
  /** Real time (ISO 8601), not the sandbox clock. */
  at: string;
  method: string;
  /** Without the query string. */
  path: string;
  idempotencyKey: string | null;
  /** The answer's status (also when the answer was then lost on the way). */
  status: number;
  /** An earlier answer to the same idempotency key was repeated: the work was not done again. */
  replayed: boolean;
  /** An injected error answered before any work was done. */
  faulted: boolean;
  /** The answer was dropped after the work was done (the `loseResponseRate` fault). */
  lost: boolean;
  /** The cases this call created (registrations). */
  createdCases: string[];
  /** What the request body names: a registration's invoice numbers, an action's case (or invoice number). */
  about: string[];
}

interface Outcome {
  replayed: boolean;
  createdCases: string[];
}

const outcomes = new WeakMap<FastifyRequest, Outcome>();

/** What the handler did with the request (see http/answer). */
export function noteOutcome(request: FastifyRequest, outcome: Outcome): void {
  outcomes.set(request, outcome);
}

export class CallLog {
  private readonly calls: CallRecord[] = [];
  private seq = 0;
  dropped = 0;

  add(call: Omit<CallRecord, 'seq'>): void {
    this.calls.push({ seq: ++this.seq, ...call });
    if (this.calls.length > MAX_CALLS) {
      this.calls.shift();
      this.dropped += 1;
    }
  }

  list(filter: { method?: string; path?: string; since?: number } = {}): CallRecord[] {
    return this.calls.filter(
      (call) =>
        (filter.method === undefined || call.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || call.path === filter.path) &&
        (filter.since === undefined || call.seq > filter.since),
    );
  }
}

/** Records each partner API call when its answer goes out (after the faults decided whether it is lost). */
export function registerCallLog(app: FastifyInstance, log: CallLog): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isFaultable(request.url)) return payload;
    const outcome = outcomes.get(request);
    const key = request.headers['idempotency-key'];
    log.add({
      at: new Date().toISOString(),
      method: request.method,
      path: request.url.split('?')[0]!,
      idempotencyKey: (Array.isArray(key) ? key[0] : key) ?? null,
      status: reply.statusCode,
      replayed: outcome?.replayed ?? false,
      faulted: injectedFault(request),
      lost: responseLost(request),
      createdCases: outcome?.createdCases ?? [],
      about: aboutOf(request.body),
    });
    return payload;
  });
}

function aboutOf(body: unknown): string[] {
  if (body === null || typeof body !== 'object') return [];
  const { debts, case: caseId, invoice_number: invoiceNumber } = body as Record<string, unknown>;
  if (Array.isArray(debts)) return debts.map((debt) => (debt as { invoice_number?: unknown } | null)?.invoice_number).filter((n): n is string => typeof n === 'string');
  if (typeof caseId === 'string') return [caseId];
  return typeof invoiceNumber === 'string' ? [invoiceNumber] : [];
}
