/**
 * What the append benchmark writes: invoices living through the product's most common path (received,
 * sent to reminder handling, registered by the partner, reminder sent, paid in full), every event
 * decided by the domain's deciders with the metadata the API puts on it, one append per command with the
 * expected version the command saw — exactly what the API hands the store. Each writer owns its invoices
 * (distinct streams) and takes them through the path in waves, so an append usually finds a head written
 * a while before.
 */
import { type ReceivableEvent, receivableDecider, streams } from '@pm/domain';
import { type NewEvent, computeEventHash } from '@pm/event-store';
import { createHash } from 'node:crypto';
import { type Step, invoiceOf, metadataFor, steps } from '../rebuild/event-log';

const PATH: Step[] = [steps.received, steps.sent, steps.registered, steps.reminder, steps.paidInFull];

export interface PlannedAppend {
  streamId: string;
  expectedVersion: number;
  events: NewEvent[];
}

/** One writer's appends, in the order it makes them. */
export type WriterPlan = PlannedAppend[];

export interface Workload {
  writers: WriterPlan[];
  appends: number;
  events: number;
}

/** Events and appends per invoice of the path (6 events in 5 appends: the payment closes the case too). */
export function pathShape(): { appends: number; events: number } {
  const one = plan(1, 1, 'shape');
  return { appends: one.appends, events: one.events };
}

/** `invoices` invoices split over `writers` writers; `tag` makes stream names and event ids fresh for every run. */
export function plan(invoices: number, writers: number, tag: string): Workload {
  const companyId = createHash('sha256').update('bench-append-company').digest('hex').slice(0, 16);
  const perWriter: WriterPlan[] = Array.from({ length: writers }, () => []);
  let appends = 0;
  let events = 0;
  for (let w = 0; w < writers; w++) {
    const mine = [];
    for (let n = w; n < invoices; n += writers) {
      const number = `${tag}-${invoiceOf(n).invoiceNumber}`;
      mine.push({ n, number, streamId: streams.receivable(companyId, number), state: receivableDecider.initialState(), version: 0 });
    }
    for (const step of PATH) {
      for (const inv of mine) {
        const command = step(inv.state, inv.n);
        const decided: ReceivableEvent[] = receivableDecider.decide(command, inv.state);
        perWriter[w].push({
          streamId: inv.streamId,
          expectedVersion: inv.version,
          events: decided.map((e) => ({ type: e.type, data: e.data, metadata: metadataFor(companyId, command.actor, command.now, { invoiceNumber: inv.number }) })),
        });
        inv.state = decided.reduce(receivableDecider.evolve, inv.state);
        inv.version += decided.length;
        appends++;
        events += decided.length;
      }
    }
  }
  return { writers: perWriter, appends, events };
}

/** An append as the store would write it, precomputed: the rows (hash chain included) as the INSERT's one JSON parameter. */
export interface RawAppend {
  streamId: string;
  recordedAt: string;
  rowsJson: string;
}

/**
 * The rows the store writes for these appends, computed ahead (the same JSON content, key order aside, which
 * JSONB does not keep; hashed over the same canonical content), so the raw SQL contender does nothing but send them.
 */
export function precompute(workload: Workload): RawAppend[][] {
  const heads = new Map<string, string>();
  return workload.writers.map((appends) =>
    appends.map(({ streamId, expectedVersion, events }) => {
      const recordedAt = new Date().toISOString();
      let previousHash = heads.get(streamId) ?? '';
      const rows = events.map((event, i) => {
        const normalised = JSON.parse(JSON.stringify(event)) as NewEvent;
        const unhashed = { ...normalised, streamId, streamVersion: expectedVersion + i + 1, recordedAt, previousHash };
        previousHash = computeEventHash(unhashed);
        return { stream_version: unhashed.streamVersion, event_id: normalised.metadata.eventId, type: normalised.type, data: normalised.data, metadata: normalised.metadata, previous_hash: unhashed.previousHash, hash: previousHash };
      });
      heads.set(streamId, previousHash);
      return { streamId, recordedAt, rowsJson: JSON.stringify(rows) };
    }),
  );
}
