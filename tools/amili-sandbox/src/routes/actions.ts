/**
 * Creditor actions: payments to the creditor, creditings, cancellations and respites. A malformed
 * request is a 422; an action the case's state does not allow is recorded and answered
 * `200 { status: "error" }`, as the partner does.
 */
import { type FastifyInstance } from 'fastify';
import { dayToIso, epochDay } from '../dates';
import { CaseConflict, cancel, credit, grantRespite, payToCreditor, type Outcome } from '../domain/case-actions';
import { isClosed } from '../domain/ledger';
import { respond, type Answer } from '../http/answer';
import { notFound, unprocessable } from '../http/errors';
import { newId } from '../identity';
import { casesOfInvoice } from '../state/cases-by-invoice';
import { type Tx } from '../state/store';
import { type ActionKind, type CaseRecord } from '../state/types';
import { Checker, isObject, type Json } from '../validation';
import { type RouteContext } from './context';

interface ActionSpec<P> {
  kind: ActionKind;
  /** Checks the action's own fields (the target and `origin` are checked for every action). */
  parse(check: Checker, body: Json, tx: Tx): P | undefined;
  apply(tx: Tx, record: CaseRecord, params: P): Outcome;
}

export function actionRoutes(app: FastifyInstance, { store }: RouteContext): void {
  const route = <P>(path: string, spec: ActionSpec<P>): void => {
    app.post(path, (request, reply) => respond(store, request, reply, (tx) => perform(tx, request.body, spec)));
  };

  route('/creditor--payments', {
    kind: 'payment',
    parse: (check, body) => {
      const amountOre = check.amount(body, 'amount', 'amount', true);
      const paymentDay = check.date(body, 'payment_date', 'payment_date');
      const reference = check.optionalString(body, 'reference', 'reference');
      return amountOre !== undefined && paymentDay !== undefined && reference !== undefined ? { amountOre, paymentDay, reference } : undefined;
    },
    apply: (tx, record, p) => payToCreditor(tx, record, p.amountOre, p.paymentDay, p.reference),
  });

  route('/creditor--creditings', {
    kind: 'crediting',
    parse: (check, body) => {
      const amountOre = body.amount === undefined || body.amount === null ? null : check.amount(body, 'amount', 'amount', true);
      return amountOre === undefined ? undefined : { amountOre };
    },
    apply: (tx, record, p) => credit(tx, record, p.amountOre),
  });

  route('/creditor--cancellations', {
    kind: 'cancellation',
    parse: (check, body) => {
      const reason = check.optionalString(body, 'reason', 'reason', 500);
      return reason === undefined ? undefined : { reason };
    },
    apply: (tx, record, p) => cancel(tx, record, p.reason),
  });

  route('/creditor--respites', {
    kind: 'respite',
    parse: (check, body, tx) => {
      const untilDay = check.date(body, 'respite_until', 'respite_until');
      if (untilDay !== undefined && untilDay <= epochDay(tx.now)) {
        check.add('respite_until', `must be after today (${dayToIso(epochDay(tx.now))})`);
        return undefined;
      }
      return untilDay === undefined ? undefined : { untilDay };
    },
    apply: (tx, record, p) => grantRespite(tx, record, p.untilDay),
  });
}

function perform<P>(tx: Tx, body: unknown, spec: ActionSpec<P>): Answer {
  if (!isObject(body)) throw unprocessable({ body: 'must be a JSON object' });
  const check = new Checker();
  if (body.origin !== 'creditor_system') check.add('origin', body.origin === undefined ? 'required field' : 'must be "creditor_system"');
  const target = parseTarget(check, body);
  const params = spec.parse(check, body, tx);
  if (!check.ok || target === undefined || params === undefined) throw unprocessable(check.issues);

  const record = findCase(tx, target);
  let status: 'completed' | 'warning' | 'error';
  let messages: string[];
  try {
    ({ messages } = spec.apply(tx, record, params));
    status = messages.length > 0 ? 'warning' : 'completed';
  } catch (error) {
    if (!(error instanceof CaseConflict)) throw error;
    status = 'error';
    messages = [error.message];
  }
  const id = newId('a');
  tx.put('actions', id, { id, at: tx.now, kind: spec.kind, case: record.id, status, messages, request: body });
  return { statusCode: 200, body: { _id: id, status, messages } };
}

type Target = { case: string } | { creditor: string; invoiceNumber: string };

function parseTarget(check: Checker, body: Json): Target | undefined {
  if (body.case !== undefined) {
    const id = check.string(body, 'case', 'case', 100);
    return id === undefined ? undefined : { case: id };
  }
  if (body.creditor === undefined && body.invoice_number === undefined) {
    check.add('case', 'give "case", or "creditor" and "invoice_number"');
    return undefined;
  }
  const creditor = check.string(body, 'creditor', 'creditor', 100);
  const invoiceNumber = check.string(body, 'invoice_number', 'invoice_number', 50);
  return creditor !== undefined && invoiceNumber !== undefined ? { creditor, invoiceNumber } : undefined;
}

/** By id, or the creditor's open case for the invoice (else its latest one). */
function findCase(tx: Tx, target: Target): CaseRecord {
  if ('case' in target) {
    const record = tx.state.cases[target.case];
    if (!record) throw notFound('Case');
    return record;
  }
  if (!tx.state.creditors[target.creditor]) throw notFound('Creditor');
  const candidates = casesOfInvoice(tx, target.creditor, target.invoiceNumber).sort((a, b) => Number(isClosed(a)) - Number(isClosed(b)) || b.created - a.created);
  if (candidates.length === 0) throw notFound(`Case for invoice ${target.invoiceNumber}`);
  return candidates[0];
}
