/**
 * The typed client of the API, generated from its OpenAPI document (`pnpm generate` writes schema.ts).
 * Every call sends the session's bearer token; an answer that is not 2xx becomes an ApiError carrying
 * the API's own `{code, message}`, which the UI shows as it is (never a raw code or a blank screen).
 */
import createClient, { type Client } from 'openapi-fetch';
import { type components, type paths } from './schema';

export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: Array<{ field: string; message: string }> = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function createApi(getToken: () => string | null, onUnauthorized: () => void, baseUrl = '', fetchImpl?: (request: Request) => Promise<Response>): ApiClient {
  const client = createClient<paths>({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  client.use({
    onRequest({ request }) {
      const token = getToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  });
  return client;
}

/** The data of a successful answer, or the API's error as an ApiError. Network failures become one too. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error));
  }
  if (result.response.ok) return result.data as T;
  const body = (result.error ?? {}) as { code?: unknown; message?: unknown; errors?: unknown; details?: unknown };
  throw new ApiError(
    result.response.status,
    typeof body.code === 'string' ? body.code : `HTTP.${result.response.status}`,
    typeof body.message === 'string' ? body.message : result.response.statusText || 'The request failed.',
    Array.isArray(body.errors) ? (body.errors as Array<{ field: string; message: string }>) : [],
    typeof body.details === 'object' && body.details !== null ? (body.details as Record<string, unknown>) : {},
  );
}
