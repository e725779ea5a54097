/** The portal (HTML, no API key): `GET /portal` and `GET /portal/cases/:id`. */
import { type FastifyInstance } from 'fastify';
import { applyDue } from '../domain/lifecycle';
import { casePage, notFoundPage, overviewPage } from '../portal/pages';
import { type IdParams, type RouteContext } from './context';

export function portalRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get('/portal', async (_request, reply) => {
    const body = await store.transaction((tx) => {
      applyDue(tx);
      return overviewPage(tx.state, tx.now);
    });
    return reply.type('text/html; charset=utf-8').send(body);
  });

  app.get<{ Params: IdParams }>('/portal/cases/:id', async (request, reply) => {
    const body = await store.transaction((tx) => {
      applyDue(tx);
      const record = tx.state.cases[request.params.id];
      return record ? casePage(tx.state, record, tx.now) : undefined;
    });
    if (body === undefined) return reply.code(404).type('text/html; charset=utf-8').send(notFoundPage());
    return reply.type('text/html; charset=utf-8').send(body);
  });
}
