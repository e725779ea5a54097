/**
 * Sandbox control (tests and demos; same API key): the clock, what the debtor does (pay, dispute,
 * go bankrupt), a payout run, the faults and the push target. Invalid requests are 422, and an action the case's
 * state does not allow is a 409 (these are not the partner's recorded creditor actions).
 */
import { type FastifyInstance } from 'fastify';
import { DAY_MS, toRfc1123 } from '../dates';
import { bankrupt, dispute, payByDebtor, reject, resolveDispute } from '../domain/case-actions';
import { applyDue } from '../domain/lifecycle';
import { runPayouts } from '../domain/payouts';
import { parseFaults } from '../faults';
import { respond } from '../http/answer';
import { notFound, unprocessable } from '../http/errors';
import { presentCase, presentPayout } from '../http/present';
import { type Tx } from '../state/store';
import { type CaseRecord } from '../state/types';
import { Checker, isHttpUrl, isObject } from '../validation';
import { type IdParams, type RouteContext } from './context';

const MAX_ADVANCE_DAYS = 3_650;

export function controlRoutes(app: FastifyInstance, { store, calls }: RouteContext): void {
  // Every partner API call since the sandbox started, oldest first (see calls.ts); `since` takes those after a `seq`.
  app.get<{ Querystring: Record<string, string | undefined> }>('/_sandbox/calls', async (request) => {
    const { method, path, since } = request.query;
    if (since !== undefined && !/^\d{1,15}$/.test(since)) throw unprocessable({ since: 'must be a call number (seq)' });
    const list = calls.list({ method, path, since: since === undefined ? undefined : Number(since) });
    return { calls: list, total: list.length, dropped: calls.dropped };
  });

  app.get('/_sandbox/clock', (request, reply) => respond(store, request, reply, (tx) => ({ statusCode: 200, body: { now: toRfc1123(tx.now) } })));

  app.post('/_sandbox/clock/advance', (request, reply) =>
    respond(store, request, reply, (tx) => {
      const body = isObject(request.body) ? request.body : {};
      const days = body.days;
      if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > MAX_ADVANCE_DAYS) {
        throw unprocessable({ days: `must be a number of days greater than 0 and at most ${MAX_ADVANCE_DAYS}` });
      }
      const deltaMs = Math.round(days * DAY_MS);
      tx.state.clockOffsetMs += deltaMs;
      tx.now += deltaMs;
      applyDue(tx);
      return { statusCode: 200, body: { now: toRfc1123(tx.now) } };
    }),
  );

  const caseAction = (name: string, act: (tx: Tx, record: CaseRecord, body: Record<string, unknown>) => void): void => {
    app.post<{ Params: IdParams }>(`/_sandbox/cases/:id/${name}`, (request, reply) =>
      respond(store, request, reply, (tx) => {
        const record = tx.state.cases[request.params.id];
        if (!record) throw notFound('Case');
        act(tx, record, isObject(request.body) ? request.body : {});
        return { statusCode: 200, body: presentCase(record, tx.now) };
      }),
    );
  };

  caseAction('pay', (tx, record, body) => {
    const check = new Checker();
    const amountOre = check.amount(body, 'amount', 'amount', true);
    if (amountOre === undefined) throw unprocessable(check.issues);
    payByDebtor(tx, record, amountOre);
  });
  caseAction('dispute', (tx, record) => dispute(tx, record));
  caseAction('resolve-dispute', (tx, record) => resolveDispute(tx, record));
  caseAction('bankrupt', (tx, record) => bankrupt(tx, record));
  caseAction('reject', (tx, record, body) => {
    const check = new Checker();
    const reason = check.optionalString(body, 'reason', 'reason', 200);
    if (reason === undefined) throw unprocessable(check.issues);
    reject(tx, record, reason ?? 'unknown_debtor');
  });

  // Pays out now what no run has taken yet, instead of waiting for midnight; answers this run's payouts.
  app.post('/_sandbox/payouts/run', (request, reply) =>
    respond(store, request, reply, (tx) => ({ statusCode: 200, body: { payouts: runPayouts(tx).map(presentPayout) } })),
  );

  app.get('/_sandbox/faults', (request, reply) => respond(store, request, reply, (tx) => ({ statusCode: 200, body: { ...tx.state.faults } })));

  app.post('/_sandbox/faults', (request, reply) =>
    respond(store, request, reply, (tx) => {
      tx.state.faults = parseFaults(request.body);
      return { statusCode: 200, body: { ...tx.state.faults } };
    }),
  );

  // The secret is write-only: reading the configuration shows whether one is set, not what it is.
  app.get('/_sandbox/webhook', (request, reply) =>
    respond(store, request, reply, (tx) => ({ statusCode: 200, body: { url: tx.state.webhook?.url ?? null, secret_set: Boolean(tx.state.webhook?.secret) } })),
  );

  app.post('/_sandbox/webhook', (request, reply) =>
    respond(store, request, reply, (tx) => {
      const body = isObject(request.body) ? request.body : {};
      if (body.url === null) {
        tx.state.webhook = null;
      } else {
        const check = new Checker();
        const url = check.string(body, 'url', 'url', 2_000);
        const secret = check.string(body, 'secret', 'secret', 500);
        if (url !== undefined && !isHttpUrl(url)) check.add('url', 'must be an http(s) URL');
        if (!check.ok || url === undefined || secret === undefined) throw unprocessable(check.issues);
        tx.state.webhook = { url, secret };
      }
      return { statusCode: 200, body: { url: tx.state.webhook?.url ?? null, secret_set: tx.state.webhook !== null } };
    }),
  );
}
