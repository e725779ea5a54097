/**
 * A generated event log of realistic shape for the rebuild benchmark: companies that registered and
 * activated, and invoices that live through the product's usual paths, every event decided by the
 * domain's own deciders (so the projections see exactly what the API would have written). Events of one
 * invoice are spread over the log the way time spreads them: the log is written in waves, each wave
 * taking the next step of every invoice of a block, so a page of the log holds events of thousands of
 * streams and most streams span several pages.
 */
import {
  type Actor,
  type CompanyEvent,
  type ReceivableCommand,
  type ReceivableEvent,
  type ReceivableState,
  companyDecider,
  luhnCheckDigit,
  receivableDecider,
  remainingClaimOre,
  streams,
} from '@pm/domain';
import { type EventStore, type NewEvent } from '@pm/event-store';
import { createHash, randomUUID } from 'node:crypto';

const user: Actor = { kind: 'user', id: 'bench-user' };
const partner: Actor = { kind: 'partner', id: 'amili' };
const bank: Actor = { kind: 'bank', id: 'bgmax' };

export type Step = (state: ReceivableState, n: number) => ReceivableCommand;

const at = (date: string, time = '09:00:00') => `${date}T${time}.000Z`;

export const invoiceOf = (n: number) => ({
  invoiceNumber: `F${String(n).padStart(7, '0')}`,
  invoiceDate: '2026-09-01',
  dueDate: '2026-10-01',
  currency: 'SEK',
  totalOre: 50_000 + (n % 997) * 100,
  vatOre: 10_000,
  ocr: `${100_000 + n}${luhnCheckDigit(String(100_000 + n))}`,
  customer: {
    name: `Kund ${n % 5000}`,
    identityNumber: '19811218-9876',
    isCompany: false,
    email: `kund${n % 5000}@example.se`,
    address: { line1: `Storgatan ${n % 90}`, postalCode: '411 04', city: 'Göteborg', country: 'SE' },
  },
});

export const steps = {
  received: ((_, n) => ({ type: 'UpsertInvoice', now: at('2026-09-01', '08:00:00'), actor: user, data: { invoice: invoiceOf(n) } })) as Step,
  sent: ((_, n) => ({ type: 'SendToReminderHandling', now: at('2026-10-12'), actor: user, data: { caseId: `case-${n}`, companyActive: true } })) as Step,
  registered: ((_, n) => ({ type: 'RecordPartnerRegistration', now: at('2026-10-12', '09:05:00'), actor: partner, data: { caseId: `case-${n}`, partnerCaseId: `A-${n}` } })) as Step,
  reminder: ((_, n) => ({ type: 'RecordPartnerStage', now: at('2026-10-20', '06:00:00'), actor: partner, data: { caseId: `case-${n}`, stage: 'reminder_sent', on: '2026-10-20', feeOre: 6_000 } })) as Step,
  collection: ((_, n) => ({ type: 'RecordPartnerStage', now: at('2026-11-10', '06:00:00'), actor: partner, data: { caseId: `case-${n}`, stage: 'debt_collection', on: '2026-11-10', feeOre: 18_000 } })) as Step,
  disputed: ((_, n) => ({ type: 'RecordDispute', now: at('2026-10-28', '06:00:00'), actor: partner, data: { caseId: `case-${n}`, on: '2026-10-28', reason: 'Kunden bestrider' } })) as Step,
  paidInFull: ((state, n) => ({ type: 'RegisterPayment', now: at('2026-10-27', '05:00:00'), actor: bank, data: { paymentId: `pay-${n}`, amountOre: remainingClaimOre(state), paidOn: '2026-10-26', source: 'bank' } })) as Step,
  paidDirectly: ((state, n) => ({ type: 'RegisterPayment', now: at('2026-09-28', '05:00:00'), actor: bank, data: { paymentId: `pay-${n}`, amountOre: remainingClaimOre(state), paidOn: '2026-09-27', source: 'bank' } })) as Step,
  closed: (() => ({ type: 'CloseReminderCase', now: at('2026-10-14'), actor: user, data: { reason: 'Kunden betalade till oss' } })) as Step,
};

/** The paths invoices take, with how often (out of 20): about 4.4 events per invoice on average. */
const PATHS: Array<{ weight: number; steps: Step[] }> = [
  { weight: 7, steps: [steps.received, steps.sent, steps.registered, steps.reminder, steps.paidInFull] },
  { weight: 4, steps: [steps.received, steps.paidDirectly] },
  { weight: 4, steps: [steps.received, steps.sent, steps.registered, steps.reminder, steps.collection] },
  { weight: 2, steps: [steps.received, steps.sent, steps.registered, steps.disputed] },
  { weight: 1, steps: [steps.received, steps.sent, steps.closed] },
  { weight: 2, steps: [steps.received] },
];
const pathOf = (n: number) => {
  let slot = n % 20;
  for (const path of PATHS) {
    if (slot < path.weight) return path.steps;
    slot -= path.weight;
  }
  throw new Error('unreachable');
};

/** 556000-000C, 556000-001C, …: valid organisationsnummer (third digit 6, Luhn check digit). */
const organisationNumberOf = (c: number) => {
  const body = `556${String(c).padStart(6, '0')}`;
  return `${body.slice(0, 6)}-${body.slice(6)}${luhnCheckDigit(body)}`;
};

export const metadataFor = (companyId: string, actor: Actor, now: string, extra: Record<string, unknown>) => ({
  ...extra,
  eventId: randomUUID(),
  actor,
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: now,
  companyId,
});

export interface GeneratedLog {
  events: number;
  companies: number;
  invoices: number;
  eventTypes: Record<string, number>;
}

/** Appends about `target` events (stopping at the first wave boundary at or past it). */
export async function generateEventLog(store: EventStore, target: number, options: { companies?: number; block?: number; onProgress?: (events: number) => void } = {}): Promise<GeneratedLog> {
  const companies = options.companies ?? 20;
  const block = options.block ?? 20_000;
  const eventTypes: Record<string, number> = {};
  let events = 0;
  const count = (type: string) => {
    eventTypes[type] = (eventTypes[type] ?? 0) + 1;
    events++;
  };

  const companyIds: string[] = [];
  for (let c = 0; c < companies; c++) {
    const companyId = createHash('sha256').update(`bench-company-${c}`).digest('hex').slice(0, 16);
    companyIds.push(companyId);
    const registered = companyDecider.decide(
      {
        type: 'RegisterCompany',
        now: at('2026-08-01'),
        actor: { kind: 'system', id: 'bench' },
        data: { companyId, organisationNumber: organisationNumberOf(c), name: `Företag ${c} AB`, country: 'SE', address: { line1: 'Verkstadsgatan 4', postalCode: '411 04', city: 'Göteborg', country: 'SE' } },
      },
      companyDecider.initialState(),
    );
    const state = registered.reduce(companyDecider.evolve, companyDecider.initialState());
    const activated = companyDecider.decide({ type: 'ActivateService', now: at('2026-08-02'), actor: user, data: { termsVersion: '2026-1', accepted: true, currentTermsVersion: '2026-1' } }, state);
    const all: CompanyEvent[] = [...registered, ...activated];
    await store.appendToStream(
      streams.company(companyId),
      all.map((e) => ({ type: e.type, data: e.data, metadata: metadataFor(companyId, user, at('2026-08-02'), {}) })),
      { expectedVersion: 0 },
    );
    all.forEach((e) => count(e.type));
  }

  let first = 0;
  while (events < target) {
    // The last block is cut to what the average so far says is left, so the log ends close to the target.
    const perInvoice = first > 0 ? (events - companies * 2) / first : 4.4;
    const size = Math.max(20, Math.min(block, Math.ceil((target - events) / perInvoice)));
    const invoices = Array.from({ length: size }, (_, i) => {
      const n = first + i;
      const companyId = companyIds[n % companies];
      const number = invoiceOf(n).invoiceNumber;
      return { n, companyId, number, streamId: streams.receivable(companyId, number), path: pathOf(n), state: receivableDecider.initialState(), version: 0 };
    });
    const longest = Math.max(...PATHS.map((p) => p.steps.length));
    for (let wave = 0; wave < longest; wave++) {
      const due = invoices.filter((inv) => wave < inv.path.length);
      for (let i = 0; i < due.length; i += 1_000) {
        const appends = due.slice(i, i + 1_000).map((inv) => {
          const command = inv.path[wave](inv.state, inv.n);
          const decided: ReceivableEvent[] = receivableDecider.decide(command, inv.state);
          const expectedVersion = inv.version;
          inv.state = decided.reduce(receivableDecider.evolve, inv.state);
          inv.version += decided.length;
          decided.forEach((e) => count(e.type));
          const newEvents: NewEvent[] = decided.map((e) => ({ type: e.type, data: e.data, metadata: metadataFor(inv.companyId, command.actor, command.now, { invoiceNumber: inv.number }) }));
          return { streamId: inv.streamId, expectedVersion, events: newEvents };
        });
        await store.appendToStreams(appends);
      }
      options.onProgress?.(events);
    }
    first += size;
  }
  const invoices = Object.entries(eventTypes).find(([type]) => type === 'InvoiceReceived')?.[1] ?? 0;
  return { events, companies, invoices, eventTypes };
}
