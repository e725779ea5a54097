/** `POST /creditors` (idempotent on the organisation number), `GET /creditors`, `GET /creditors/:id`. */
import { type FastifyInstance } from 'fastify';
import { linkCreditor, type CreditorInput } from '../domain/creditors';
import { respond } from '../http/answer';
import { notFound, unprocessable } from '../http/errors';
import { list, type ListQuery } from '../http/lists';
import { presentCreditor } from '../http/present';
import { normaliseOrganisationNumber } from '../identity';
import { Checker, isObject } from '../validation';
import { type IdParams, type RouteContext } from './context';

export function creditorRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.post('/creditors', (request, reply) =>
    respond(store, request, reply, (tx) => {
      const { creditor, created } = linkCreditor(tx, parseCreditor(request.body));
      return { statusCode: created ? 201 : 200, body: presentCreditor(creditor) };
    }),
  );

  app.get<{ Querystring: ListQuery }>('/creditors', (request, reply) =>
    respond(store, request, reply, (tx) => ({
      statusCode: 200,
      body: list(Object.values(tx.state.creditors), presentCreditor, request.query, tx.state.faults),
    })),
  );

  app.get<{ Params: IdParams }>('/creditors/:id', (request, reply) =>
    respond(store, request, reply, (tx) => {
      const creditor = tx.state.creditors[request.params.id];
      if (!creditor) throw notFound('Creditor');
      return { statusCode: 200, body: presentCreditor(creditor) };
    }),
  );
}

function parseCreditor(body: unknown): CreditorInput {
  if (!isObject(body)) throw unprocessable({ body: 'must be a JSON object' });
  const check = new Checker();
  const organizationNumber = normaliseOrganisationNumber(body.organization_number);
  if (organizationNumber === undefined) {
    check.add('organization_number', body.organization_number === undefined ? 'required field' : 'not a valid Swedish organisation number (NNNNNN-NNNN with a correct check digit)');
  }
  const name = check.string(body, 'name', 'name');
  const address = check.address(body, 'address', 'address');
  const reminderFeeAgreed = check.boolean(body, 'reminder_fee_agreed', 'reminder_fee_agreed', false);
  if (!check.ok || organizationNumber === undefined || name === undefined || address === undefined || reminderFeeAgreed === undefined) {
    throw unprocessable(check.issues);
  }
  return { organizationNumber, name, address, reminderFeeAgreed };
}
