/**
 * The Fastify app: JSON parsing, the API key, faults, Eve-style errors and the route modules.
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { CallLog, registerCallLog } from './calls';
import { registerFaults } from './faults';
import { ApiError, eveError } from './http/errors';
import { actionRoutes } from './routes/actions';
import { caseRoutes } from './routes/cases';
import { controlRoutes } from './routes/control';
import { creditorRoutes } from './routes/creditors';
import { payoutRoutes } from './routes/payouts';
import { portalRoutes } from './routes/portal';
import { registrationRoutes } from './routes/registrations';
import { type StateStore } from './state/store';

const PUBLIC = /^\/(health|portal)(\/|\?|$)/;

export function buildServer(options: { store: StateStore; apiKey: string; log: boolean }): FastifyInstance {
  const { store, apiKey } = options;
  const app = Fastify({ logger: options.log ? { level: 'info' } : false, bodyLimit: 1_048_576 });

  // An empty body is an empty object (control actions take none); anything else must be JSON.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError(400, 'The body is not valid JSON.'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC.test(request.url)) return;
    if (!validKey(request.headers['x-api-key'], apiKey)) {
      return reply.code(401).send(eveError(401, 'Please provide a valid X-API-Key header.'));
    }
  });
  registerFaults(app, store);
  const calls = new CallLog();
  registerCallLog(app, calls);

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.statusCode).send(error.body);
    const statusCode = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    if (statusCode >= 500) request.log.error(error);
    const message = statusCode >= 500 ? 'Internal server error.' : (error as Error).message;
    return reply.code(statusCode).send(eveError(statusCode, message));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(eveError(404, `No resource at ${request.method} ${request.url.split('?')[0]}.`)));

  app.get('/health', async () => ({ status: 'ok' }));
  const context = { store, calls };
  creditorRoutes(app, context);
  registrationRoutes(app, context);
  caseRoutes(app, context);
  actionRoutes(app, context);
  payoutRoutes(app, context);
  controlRoutes(app, context);
  portalRoutes(app, context);
  return app;
}

function validKey(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
