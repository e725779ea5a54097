/** `GET /payouts` (Eve list) and `GET /payouts/:id`: what the partner paid out to creditors. */
import { type FastifyInstance } from 'fastify';
import { respond } from '../http/answer';
import { notFound } from '../http/errors';
import { list, type ListQuery } from '../http/lists';
import { presentPayout } from '../http/present';
import { type IdParams, type RouteContext } from './context';

export function payoutRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<{ Querystring: ListQuery }>('/payouts', (request, reply) =>
    respond(store, request, reply, (tx) => ({
      statusCode: 200,
      body: list(Object.values(tx.state.payouts), presentPayout, request.query, tx.state.faults),
    })),
  );

  app.get<{ Params: IdParams }>('/payouts/:id', (request, reply) =>
    respond(store, request, reply, (tx) => {
      const payout = tx.state.payouts[request.params.id];
      if (!payout) throw notFound('Payout');
      return { statusCode: 200, body: presentPayout(payout) };
    }),
  );
}
