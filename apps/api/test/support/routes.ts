/**
 * The API's routes as the application itself knows them, so the security and fuzzing suites cover every
 * route without a hand-kept list: Nest's router (every controller method with its HTTP method, path,
 * `@Public()` and `@RequireRole()`), cross-checked against the OpenAPI document the API serves.
 */
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from '../../src/shared/auth/auth.guard';

export interface Route {
  method: string;
  /** Nest's form: `/api/invoices/:invoiceNumber`. */
  path: string;
  public: boolean;
  role?: 'admin' | 'user';
  controller: string;
  handler: string;
}

/** `METHOD /path` */
export const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

function joinPath(...parts: string[]): string {
  const joined = '/' + parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
  return joined;
}

/** Every controller route registered in the running application. */
export function nestRoutes(app: NestFastifyApplication): Route[] {
  const routes: Route[] = [];
  const seen = new Set<unknown>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
      const classPublic = Reflect.getMetadata(PUBLIC_ROUTE, controller) === true;
      const classRole = Reflect.getMetadata(REQUIRED_ROLE, controller) as Route['role'];
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        if (name === 'constructor') continue;
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const methodIndex = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (methodIndex === undefined || paths === undefined) continue;
        for (const prefix of prefixes)
          for (const path of [paths].flat())
            routes.push({
              method: RequestMethod[methodIndex],
              path: joinPath(prefix, path),
              public: classPublic || Reflect.getMetadata(PUBLIC_ROUTE, handler) === true,
              role: (Reflect.getMetadata(REQUIRED_ROLE, handler) as Route['role']) ?? classRole,
              controller: controller.name,
              handler: name,
            });
      }
    }
  }
  return routes.sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
}

export interface OpenApiOperation {
  method: string;
  /** Nest's form (`:param`). */
  path: string;
  operation: any;
}

/** The operations of the OpenAPI document, with their paths in Nest's form. */
export function openApiOperations(document: any): OpenApiOperation[] {
  const operations: OpenApiOperation[] = [];
  for (const [path, item] of Object.entries<Record<string, unknown>>(document.paths))
    for (const [method, operation] of Object.entries(item))
      if (['get', 'put', 'post', 'delete', 'patch'].includes(method))
        operations.push({ method: method.toUpperCase(), path: path.replace(/\{([^}]+)\}/g, ':$1'), operation });
  return operations;
}

/** Resolves `$ref`s of the document's components. */
export function resolveSchema(document: any, schema: any): any {
  if (schema?.$ref) return resolveSchema(document, document.components.schemas[schema.$ref.split('/').pop()]);
  return schema;
}

/** The JSON body's schema of an operation, when it takes one. */
export function jsonBodySchema(document: any, operation: any): any | undefined {
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  return schema ? resolveSchema(document, schema) : undefined;
}

/**
 * A valid-looking value built from a schema's examples and types (the documented shape), e.g. the body of
 * a command that should pass validation and reach the domain.
 */
export function exampleOf(document: any, raw: any): unknown {
  const schema = resolveSchema(document, raw);
  if (!schema) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries<any>(schema.properties ?? {})) {
        const required = (schema.required ?? []).includes(name);
        // Optional fields are left out unless they show how they are used.
        if (!required && resolveSchema(document, property)?.example === undefined) continue;
        value[name] = exampleOf(document, property);
      }
      return value;
    }
    case 'array':
      return [exampleOf(document, schema.items)];
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return 'x';
  }
}
