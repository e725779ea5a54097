import { type EventMetadata } from '@pm/event-store';
import { randomUUID } from 'node:crypto';
import { type CommandContext } from '../../shared/http/command-context';

/** The metadata every event gets: who, why, in which chain of work, when (see the audit trail). */
export function eventMetadata(extra: Record<string, unknown>, context: CommandContext, now: string, reason: unknown): EventMetadata {
  return {
    ...extra,
    eventId: randomUUID(),
    actor: context.actor,
    ...(typeof reason === 'string' && reason.trim() ? { reason: reason.trim() } : {}),
    correlationId: context.correlationId,
    causationId: context.causationId,
    occurredAt: now,
  };
}
