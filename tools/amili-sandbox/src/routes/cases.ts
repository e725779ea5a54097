/** `GET /cases` (Eve list) and `GET /cases/:id`. */
import { type FastifyInstance } from 'fastify';
import { respond } from '../http/answer';
import { notFound } from '../http/errors';
import { list, type ListQuery } from '../http/lists';
import { presentCase } from '../http/present';
import { type IdParams, type RouteContext } from './context';

export function caseRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<{ Querystring: ListQuery }>('/cases', (request, reply) =>
    respond(store, request, reply, (tx) => ({
      statusCode: 200,
      body: list(Object.values(tx.state.cases), (record) => presentCase(record, tx.now), request.query, tx.state.faults),
    })),
  );

  app.get<{ Params: IdParams }>('/cases/:id', (request, reply) =>
    respond(store, request, reply, (tx) => {
      const record = tx.state.cases[request.params.id];
      if (!record) throw notFound('Case');
      return { statusCode: 200, body: presentCase(record, tx.now) };
    }),
  );
}
