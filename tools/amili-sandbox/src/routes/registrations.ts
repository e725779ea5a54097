/**
 * `POST /case--registrations` with the partner's validation (422 with `_issues`), and the recorded
 * registrations (`GET /case--registrations[/:id]`).
 */
import { type FastifyInstance } from 'fastify';
import { register, type DebtInput, type RegistrationInput } from '../domain/registration';
import { respond } from '../http/answer';
import { notFound, unprocessable } from '../http/errors';
import { list, type ListQuery } from '../http/lists';
import { presentRegistration, presentRegistrationAnswer } from '../http/present';
import { type Tx } from '../state/store';
import { type Debtor, type FirstAction } from '../state/types';
import { Checker, isObject, type Json } from '../validation';
import { type IdParams, type RouteContext } from './context';

const MAX_DEBTS = 100;

export function registrationRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.post('/case--registrations', (request, reply) =>
    respond(store, request, reply, (tx) => {
      const { registration, created } = register(tx, parseRegistration(tx, request.body));
      // A refusal the partner records is still a 200 (`status: "error"`); nothing new is a 200 too.
      return { statusCode: created > 0 ? 201 : 200, body: presentRegistrationAnswer(registration) };
    }),
  );

  app.get<{ Querystring: ListQuery }>('/case--registrations', (request, reply) =>
    respond(store, request, reply, (tx) => ({
      statusCode: 200,
      body: list(Object.values(tx.state.registrations), presentRegistration, request.query, tx.state.faults),
    })),
  );

  app.get<{ Params: IdParams }>('/case--registrations/:id', (request, reply) =>
    respond(store, request, reply, (tx) => {
      const registration = tx.state.registrations[request.params.id];
      if (!registration) throw notFound('Registration');
      return { statusCode: 200, body: presentRegistration(registration) };
    }),
  );
}

function parseRegistration(tx: Tx, body: unknown): RegistrationInput {
  if (!isObject(body)) throw unprocessable({ body: 'must be a JSON object' });
  const check = new Checker();
  const creditor = check.string(body, 'creditor', 'creditor', 100);
  if (creditor !== undefined && !tx.state.creditors[creditor]) check.add('creditor', 'unknown creditor');
  const firstAction = body.first_action;
  if (firstAction !== 'reminder' && firstAction !== 'debt_collection') {
    check.add('first_action', firstAction === undefined ? 'required field' : 'must be "reminder" or "debt_collection"');
  }
  if (body.currency !== 'SEK') check.add('currency', body.currency === undefined ? 'required field' : 'only SEK is accepted');
  const customer = parseCustomer(check, body);
  const debts = parseDebts(check, body);
  if (!check.ok || creditor === undefined || customer === undefined || debts === undefined) throw unprocessable(check.issues);
  return { creditor, firstAction: firstAction as FirstAction, customer, debts };
}

function parseCustomer(check: Checker, body: Json): Debtor | undefined {
  const customer = check.object(body, 'customer', 'customer');
  if (!customer) return undefined;
  const name = check.string(customer, 'name', 'customer.name');
  const idNumber = check.string(customer, 'id_number', 'customer.id_number', 20);
  const isCompany = check.boolean(customer, 'is_company', 'customer.is_company');
  const address = check.address(customer, 'address', 'customer.address');
  const email = check.optionalString(customer, 'email', 'customer.email');
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) check.add('customer.email', 'not an e-mail address');
  const mobileNumber = check.optionalString(customer, 'mobile_number', 'customer.mobile_number', 30);
  if (name === undefined || idNumber === undefined || isCompany === undefined || address === undefined || email === undefined || mobileNumber === undefined) {
    return undefined;
  }
  return { name, idNumber, isCompany, address, email, mobileNumber };
}

function parseDebts(check: Checker, body: Json): DebtInput[] | undefined {
  const raw = body.debts;
  if (!Array.isArray(raw) || raw.length === 0) {
    check.add('debts', 'at least one debt is required');
    return undefined;
  }
  if (raw.length > MAX_DEBTS) {
    check.add('debts', `at most ${MAX_DEBTS} debts per registration`);
    return undefined;
  }
  const debts: DebtInput[] = [];
  const seen = new Set<string>();
  raw.forEach((item: unknown, i) => {
    const path = `debts.${i}`;
    if (!isObject(item)) return check.add(path, 'must be an object');
    const invoiceNumber = check.string(item, 'invoice_number', `${path}.invoice_number`, 50);
    if (invoiceNumber !== undefined && seen.has(invoiceNumber)) check.add(`${path}.invoice_number`, 'the same invoice number twice in one registration');
    if (invoiceNumber !== undefined) seen.add(invoiceNumber);
    const debtDescription = check.optionalString(item, 'debt_description', `${path}.debt_description`);
    const invoiceDay = check.date(item, 'invoice_date', `${path}.invoice_date`);
    const capitalOre = check.amount(item, 'capital_to_claim', `${path}.capital_to_claim`, true);
    const dueDays = check.integer(item, 'invoice_due_days_after_invoice_date', `${path}.invoice_due_days_after_invoice_date`, 0, 365);
    const reminderFeeChargedOre = item.reminder_fee_charged === undefined || item.reminder_fee_charged === null ? 0 : check.amount(item, 'reminder_fee_charged', `${path}.reminder_fee_charged`, false);
    if (invoiceNumber !== undefined && debtDescription !== undefined && invoiceDay !== undefined && capitalOre !== undefined && dueDays !== undefined && reminderFeeChargedOre !== undefined) {
      debts.push({ invoiceNumber, debtDescription, invoiceDay, capitalOre, dueDays, reminderFeeChargedOre });
    }
  });
  return debts.length === raw.length ? debts : undefined;
}
