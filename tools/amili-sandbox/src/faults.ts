/**
 * Injected faults on the partner API (not on `/health`, `/portal` or `/_sandbox`, so a test can always
 * turn them off again): errors before any work, latency, and answers lost after the work was done.
 * Duplicates and reordering act on lists (see http/lists) and on pushes (see webhooks).
 */
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { eveError, unprocessable } from './http/errors';
import { type StateStore } from './state/store';
import { type Faults } from './state/types';
import { Checker, isObject } from './validation';

const UNFAULTED = /^\/(health|portal|_sandbox)(\/|\?|$)/;

export function isFaultable(url: string): boolean {
  return !UNFAULTED.test(url);
}

/** A full fault configuration; what the body leaves out is off. */
export function parseFaults(body: unknown): Faults {
  const input = isObject(body) ? body : {};
  const check = new Checker();
  const rate = (key: keyof Faults): number => {
    const value = input[key] ?? 0;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      check.add(key, 'must be a number from 0 to 1');
      return 0;
    }
    return value;
  };
  const faults: Faults = {
    errorRate: rate('errorRate'),
    latencyMs: 0,
    duplicateRate: rate('duplicateRate'),
    reorder: false,
    loseResponseRate: rate('loseResponseRate'),
  };
  const latency = input.latencyMs ?? 0;
  if (typeof latency !== 'number' || !Number.isInteger(latency) || latency < 0 || latency > 60_000) check.add('latencyMs', 'must be a whole number of ms from 0 to 60000');
  else faults.latencyMs = latency;
  const reorder = input.reorder ?? false;
  if (typeof reorder !== 'boolean') check.add('reorder', 'must be true or false');
  else faults.reorder = reorder;
  if (!check.ok) throw unprocessable(check.issues);
  return faults;
}

const lose = new WeakSet<FastifyRequest>();
const injected = new WeakSet<FastifyRequest>();

/** Whether the answer to this request is dropped after the work was done. */
export function responseLost(request: FastifyRequest): boolean {
  return lose.has(request);
}

/** Whether an injected error answered this request before any work. */
export function injectedFault(request: FastifyRequest): boolean {
  return injected.has(request);
}

export function registerFaults(app: FastifyInstance, store: StateStore): void {

  // Runs after the API key check (registered later), before any work.
  app.addHook('onRequest', async (request, reply) => {
    if (!isFaultable(request.url)) return;
    const faults = store.state.faults;
    if (Math.random() < faults.errorRate) {
      injected.add(request);
      // Half the failures look like an overloaded gateway, half like a crashed proxy with an HTML page.
      if (Math.random() < 0.5) {
        return reply.code(503).header('retry-after', '1').send(eveError(503, 'Service temporarily unavailable, try again later.'));
      }
      return reply
        .code(500)
        .type('text/html; charset=utf-8')
        .send('<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>');
    }
    if (Math.random() < faults.loseResponseRate) lose.add(request);
  });

  app.addHook('onSend', async (request, _reply, payload) => {
    if (!isFaultable(request.url)) return payload;
    const { latencyMs } = store.state.faults;
    if (latencyMs > 0) await sleep(Math.floor(Math.random() * (latencyMs + 1)));
    if (lose.has(request)) {
      // The work is done and saved; the client sees the connection drop and must find out by itself.
      request.raw.socket?.destroy();
    }
    return payload;
  });
}

