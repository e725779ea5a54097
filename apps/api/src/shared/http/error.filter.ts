/**
 * One error shape for every answer: `{code, message}` (plus `errors` for invalid fields). Domain
 * refusals map by kind; nothing the caller sends can produce a 500.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@pm/domain';
import { WrongExpectedVersionError } from '@pm/event-store';
import { type FastifyReply } from 'fastify';

const STATUS_BY_KIND = { rule: 422, conflict: 409, not_found: 404, invalid: 400 } as const;
const CODE_BY_STATUS: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.TOKEN_MISSING',
  403: 'AUTH.FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'REQUEST.METHOD_NOT_ALLOWED',
  406: 'REQUEST.NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  422: 'RULE.REFUSED',
  429: 'REQUEST.TOO_MANY',
};

export interface ErrorBody {
  code: string;
  message: string;
  errors?: { field: string; message: string }[];
  details?: Record<string, unknown>;
}

export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof DomainError)
    return {
      status: STATUS_BY_KIND[error.kind],
      body: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
    };
  if (error instanceof WrongExpectedVersionError)
    return { status: 409, body: { code: 'REQUEST.CONCURRENT_CHANGE', message: 'Someone else changed this at the same moment; try again.' } };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    if (typeof response === 'object' && response !== null && 'code' in response)
      return { status, body: response as ErrorBody };
    const message = typeof response === 'object' && response !== null && 'message' in response ? (response as { message: unknown }).message : response;
    // Fastify's JSON parser failure reaches us as a plain 400.
    if (status === 400 && /not valid JSON|Unexpected (token|end)|JSON/.test(String(message)))
      return { status, body: { code: 'REQUEST.MALFORMED_JSON', message: 'The request body is not valid JSON.' } };
    return { status, body: { code: CODE_BY_STATUS[status] ?? `HTTP.${status}`, message: Array.isArray(message) ? message.join('; ') : String(message) } };
  }
  // Fastify's own errors (malformed JSON, body too large, wrong content type) carry a 4xx statusCode.
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const messages: Record<number, string> = {
      400: 'The request body is not valid JSON.',
      413: 'The request body is too large.',
      415: 'Send the body as application/json.',
    };
    return {
      status: statusCode,
      body: {
        code: statusCode === 400 ? 'REQUEST.MALFORMED_JSON' : (CODE_BY_STATUS[statusCode] ?? `HTTP.${statusCode}`),
        message: messages[statusCode] ?? String((error as Error).message),
      },
    };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'Something went wrong on our side; the request changed nothing that was not stored.' } };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = toErrorResponse(error);
    if (status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    void reply.status(status).header('Content-Type', 'application/json; charset=utf-8').send(body);
  }
}
