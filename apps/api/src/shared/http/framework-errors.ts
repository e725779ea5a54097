/**
 * Requests Fastify refuses before any route (and so before Nest's error filter) sees them: they get the
 * same `{code, message}` shape and codes of ours as every other refusal, instead of Fastify's defaults.
 */
import { STATUS_CODES } from 'node:http';
import { type Socket } from 'node:net';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type ErrorBody } from './error.filter';

/** Fastify's router refusals (its `frameworkErrors` option): a broken URL, an over-long path segment. */
export function frameworkErrorResponse(error: { code?: string }, maxParamLength: number): { status: number; body: ErrorBody } {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return { status: 400, body: { code: 'REQUEST.BAD_URL', message: 'The address is not valid: a %-escape in it does not encode UTF-8 text.' } };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, body: { code: 'REQUEST.URI_TOO_LONG', message: `A part of the address is longer than ${maxParamLength} characters; no resource has a name that long.` } };
    default:
      return { status: 400, body: { code: 'REQUEST.INVALID', message: 'The request could not be routed.' } };
  }
}

export function frameworkErrors(maxParamLength: number) {
  return (error: { code?: string }, _request: FastifyRequest, reply: FastifyReply): void => {
    const { status, body } = frameworkErrorResponse(error, maxParamLength);
    void reply.status(status).header('Content-Type', 'application/json; charset=utf-8').send(body);
  };
}

/**
 * Node's HTTP parser refusals (its `clientError` event: headers too large, a timeout, bytes that are not
 * HTTP). The socket is answered in place and closed, as Node and Fastify do by default.
 */
export function clientErrorResponse(error: { code?: string }): { status: number; body: ErrorBody } {
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return { status: 431, body: { code: 'REQUEST.HEADERS_TOO_LARGE', message: 'The request line or headers are too large (the address with its query, or a header).' } };
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, body: { code: 'REQUEST.TIMEOUT', message: 'The request did not arrive in time.' } };
  return { status: 400, body: { code: 'REQUEST.MALFORMED', message: 'The request is not well-formed HTTP.' } };
}

export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A connection reset or an already closed socket has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { status, body } = clientErrorResponse(error);
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}
