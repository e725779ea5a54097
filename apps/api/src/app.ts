/** Builds the HTTP application; shared by `main.ts` and the end-to-end tests. */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { join } from 'node:path';
import { InMemoryEventStore, type SqlClient } from '@pm/event-store';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import { type AppConfig } from './config/app-config';
import { type Clock } from './infrastructure/event-sourcing/clock';
import { type Storage, openStorage } from './infrastructure/database/open-store';
import { clientErrorHandler, frameworkErrors } from './shared/http/framework-errors';
import { storableTextPipe, validationPipe } from './shared/http/validation';

/** The longest path segment routed (an invoice number, a case id …): Fastify's default, stated so its refusal can say it. */
const MAX_PATH_SEGMENT_LENGTH = 100;

export interface CreateAppOptions {
  clock?: Clock;
  storage?: Storage;
  logger?: false | ('error' | 'warn' | 'log')[];
  /** The embedded store stopped under the running app (not with `storage`, whose owner watches it). */
  onStoreStopped?: (error: Error) => void;
}

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Påminnelsehantering API')
    .setDescription(
      'Reminder and debt-collection handling for Swedish invoicing platforms. Amounts are integer öre, dates YYYY-MM-DD. ' +
        'Errors are {code, message}; 400 invalid request, 401 no token, 403 wrong role, 404 not found (also for other companies\' data), ' +
        '409 conflict with the current state, 413 body too large, 414 a path segment over 100 characters, ' +
        '422 business-rule refusal, 431 request line or headers too large.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * The OpenAPI document without a database: the application is assembled but never initialised, so no
 * module touches storage. The web app's typed client is generated from this (see apps/web).
 */
export async function exportOpenApiDocument(config: AppConfig): Promise<OpenAPIObject> {
  const unused = (): never => {
    throw new Error('The OpenAPI export has no database');
  };
  const sql: SqlClient = { kind: 'pglite', query: unused, transaction: unused, listen: unused, close: async () => undefined } as unknown as SqlClient;
  // Never initialised, so never closed: closing would run the shutdown hooks of an application that did not start.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, { sql, store: new InMemoryEventStore() }), new FastifyAdapter(), { logger: false });
  return openApiDocument(app);
}

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const storage = options.storage ?? (await openStorage(config, options.onStoreStopped));
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    genReqId: () => randomUUID(),
    trustProxy: true,
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT_LENGTH },
    // What Fastify and Node refuse before a route sees it answers in our error shape too.
    frameworkErrors: frameworkErrors(MAX_PATH_SEGMENT_LENGTH),
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, storage, options.clock), adapter, {
    logger: options.logger ?? ['error', 'warn', 'log'],
    // The partner's push notifications are verified over the exact bytes they were signed as.
    rawBody: true,
  });
  // Bank files arrive as multipart uploads; they may be far larger than a JSON body.
  await app.register(multipart, { limits: { fileSize: config.uploadLimit, files: 1 } });
  // The built web app's assets carry content hashes in their names: cached for good.
  if (config.webDir)
    await app.register(fastifyStatic, { root: join(config.webDir, 'assets'), prefix: '/assets/', decorateReply: false, immutable: true, maxAge: '365d', index: false });
  app.useGlobalPipes(storableTextPipe, validationPipe);
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, openApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  await app.init();
  return app;
}
