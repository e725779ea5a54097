/**
 * The KurrentDB adapter with the real client and NO server (nothing listens on the port): what the client does
 * when the server is away must surface as errors, never as an unhandled 'error' event, a hung call or a
 * subscription that gives up. What the adapter does WITH a server is the contract suite's business
 * (contract/kurrentdb.spec.ts, with EVENTSTORE_URL).
 */
import { eventually, newEvent } from './contract/helpers';
import { KurrentDbEventStore } from './kurrentdb-event-store';

const NOWHERE = 'kurrentdb://127.0.0.1:1?tls=false';

describe('KurrentDB adapter without a server', () => {
  it('refuses options that would read system streams or streams no filter lets through', async () => {
    await expect(KurrentDbEventStore.connect(NOWHERE, { streamPrefixes: [] })).rejects.toThrow(TypeError);
    await expect(KurrentDbEventStore.connect(NOWHERE, { streamPrefixes: ['$ce-'] })).rejects.toThrow(/system streams/);
    const store = await KurrentDbEventStore.connect(NOWHERE, { streamPrefixes: ['company-'] });
    try {
      await expect(store.appendToStream('receivable-1', [newEvent('A')], { expectedVersion: 'any' })).rejects.toThrow(/outside this store's stream prefixes/);
      await expect(store.appendToStreams([{ streamId: 'x-1', events: [newEvent('A')], expectedVersion: 0 }])).rejects.toThrow(TypeError);
      await expect(store.appendToStream('company-1', [newEvent('A', {}, { eventId: 'not-a-uuid' })], { expectedVersion: 'any' })).rejects.toThrow(/UUID/);
    } finally {
      await store.close();
    }
  });

  it('fails reads and appends with the connection error', async () => {
    const store = await KurrentDbEventStore.connect(NOWHERE, { streamPrefixes: ['company-'] });
    try {
      await expect(store.readStream('company-1')).rejects.toMatchObject({ type: 'unavailable' });
      await expect(store.readAll({ limit: 10 })).rejects.toBeInstanceOf(Error);
      await expect(store.appendToStream('company-1', [newEvent('A')], { expectedVersion: 0 })).rejects.toBeInstanceOf(Error);
    } finally {
      await store.close();
    }
  }, 30_000);

  it('keeps resubscribing while the server is away, reporting each failure, and stops cleanly', async () => {
    const store = await KurrentDbEventStore.connect(NOWHERE, { streamPrefixes: ['company-'], retryDelayMs: 10 });
    const errors: unknown[] = [];
    let handled = 0;
    const subscription = store.subscribe({ handler: async () => void handled++, onError: (error) => errors.push(error) });
    try {
      await eventually(() => expect(errors.length).toBeGreaterThanOrEqual(2), 20_000);
      expect(handled).toBe(0);
    } finally {
      await subscription.stop();
      await store.close();
      await store.close(); // twice is harmless
    }
  }, 30_000);
});
