import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { type Actor } from '@pm/domain';
import { randomUUID } from 'node:crypto';
import { type AuthenticatedRequest } from '../auth/auth.guard';

/**
 * Who asks and in which chain of work: becomes each event's actor, correlation id and causation id.
 * The correlation id comes from `X-Correlation-Id` when the caller sends one (so a host platform can
 * follow its own request through our audit trail); the causation of an HTTP command is the request.
 */
export interface CommandContext {
  actor: Actor;
  correlationId: string;
  causationId: string;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function commandContextFromRequest(request: AuthenticatedRequest): CommandContext {
  const requestId = String(request.id ?? randomUUID());
  const header = request.headers['x-correlation-id'];
  const correlationId = typeof header === 'string' && SAFE_ID.test(header) ? header : requestId;
  const actor: Actor = request.auth ? { kind: 'user', id: request.auth.sub } : { kind: 'system', id: 'anonymous' };
  return { actor, correlationId, causationId: requestId };
}

export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext) =>
  commandContextFromRequest(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);

export function systemContext(id: string, correlationId: string = randomUUID()): CommandContext {
  return { actor: { kind: 'system', id }, correlationId, causationId: correlationId };
}
