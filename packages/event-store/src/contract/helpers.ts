import { randomUUID } from 'node:crypto';
import { type EventMetadata, type NewEvent } from '../port';

/** A new event with complete metadata; override any field. */
export function newEvent(type: string, data: unknown = {}, metadata: Partial<EventMetadata> = {}): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId: randomUUID(),
      actor: { kind: 'user', id: 'user-1' },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: '2025-03-01T10:00:00.000Z',
      ...metadata,
    },
  };
}

/** Retries `assertion` until it passes or `timeoutMs` elapses (then its last error is thrown). */
export async function eventually(assertion: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(10);
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
