/**
 * Every request runs in one transaction that first applies the lifecycle steps due by now. POSTs
 * honour `Idempotency-Key`: the first answer (status and body) is kept for 24 hours on the sandbox
 * clock and replayed without doing the work again. Answers ≥ 500 are not kept: they did nothing.
 */
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { DAY_MS } from '../dates';
import { CaseConflict } from '../domain/case-actions';
import { applyDue } from '../domain/lifecycle';
import { noteOutcome } from '../calls';
import { type StateStore, type Tx } from '../state/store';
import { ApiError, unprocessable } from './errors';

export interface Answer {
  statusCode: number;
  body: unknown;
}

export const IDEMPOTENCY_TTL_MS = DAY_MS;

/** Runs `work` (after the due lifecycle steps) and sends its answer; ApiErrors become Eve errors. */
export async function respond(store: StateStore, request: FastifyRequest, reply: FastifyReply, work: (tx: Tx) => Answer): Promise<FastifyReply> {
  const key = request.method === 'POST' ? idempotencyKey(request) : undefined;
  let replayed = false;
  let createdCases: string[] = [];
  const answer = await store.transaction((tx) => {
    // A GET only reads: with no lifecycle step due, its transaction changes nothing and needs no write.
    if (!applyDue(tx) && request.method === 'GET') tx.unchanged();
    // Cases the due lifecycle steps touched are not this call's doing; only what `work` registers is.
    const createdBefore = tx.createdCases.length;
    const answered = (fresh: Answer): Answer => {
      createdCases = tx.createdCases.slice(createdBefore);
      return fresh;
    };
    if (key === undefined) return answered(run(work, tx));
    pruneIdempotency(store, tx);
    const earlier = tx.state.idempotency[key];
    if (earlier && earlier.at + IDEMPOTENCY_TTL_MS > tx.now) {
      replayed = true;
      return { statusCode: earlier.statusCode, body: earlier.body };
    }
    const fresh = answered(run(work, tx));
    if (fresh.statusCode < 500) tx.put('idempotency', key, { at: tx.now, statusCode: fresh.statusCode, body: fresh.body });
    return fresh;
  });
  noteOutcome(request, { replayed, createdCases });
  return reply.code(answer.statusCode).send(answer.body);
}

/** Converts the refusals a handler throws before changing anything into answers, so they can be kept. */
function run(work: (tx: Tx) => Answer, tx: Tx): Answer {
  try {
    return work(tx);
  } catch (error) {
    if (error instanceof ApiError) return { statusCode: error.statusCode, body: error.body };
    if (error instanceof CaseConflict) return { statusCode: 409, body: new ApiError(409, error.message).body };
    throw error;
  }
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key.length === 0 || key.length > 255) throw unprocessable({ 'Idempotency-Key': 'must be 1 to 255 characters' });
  return key;
}

/** When each store last dropped its expired idempotency records (sandbox time). */
const lastPruned = new WeakMap<StateStore, number>();
const PRUNE_EVERY_MS = 60_000;

/** Drops expired records, at most once a sandbox minute (a lookup ignores an expired one meanwhile). */
function pruneIdempotency(store: StateStore, tx: Tx): void {
  const last = lastPruned.get(store);
  if (last !== undefined && tx.now - last < PRUNE_EVERY_MS && tx.now >= last) return;
  lastPruned.set(store, tx.now);
  for (const [key, record] of Object.entries(tx.state.idempotency)) {
    if (record.at + IDEMPOTENCY_TTL_MS <= tx.now) tx.remove('idempotency', key);
  }
}
