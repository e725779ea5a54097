import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreOf, loadConfig } from './app-config';

describe('EVENT_STORE and EVENTSTORE_URL', () => {
  it('keep the log in the SQL database by default, whatever EVENTSTORE_URL says', () => {
    expect(eventStoreOf({})).toEqual({ eventStore: 'postgres' });
    expect(eventStoreOf({ EVENT_STORE: 'postgres', EVENTSTORE_URL: 'kurrentdb://127.0.0.1:2113?tls=false' })).toEqual({ eventStore: 'postgres' });
    expect(eventStoreOf({ EVENT_STORE: '' })).toEqual({ eventStore: 'postgres' });
  });

  it('select KurrentDB/EventStoreDB with EVENT_STORE=eventstoredb and its connection string', () => {
    for (const url of ['kurrentdb://127.0.0.1:2113?tls=false', 'kurrentdb+discover://admin:changeit@cluster.example:2113?nodePreference=leader', 'esdb://localhost:2113?tls=false'])
      expect(eventStoreOf({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: url })).toEqual({ eventStore: 'eventstoredb', eventStoreUrl: url });
  });

  it('refuse to start without EVENTSTORE_URL, with something that is not a connection string, or with an unknown EVENT_STORE', () => {
    expect(() => eventStoreOf({ EVENT_STORE: 'eventstoredb' })).toThrow('EVENT_STORE=eventstoredb needs EVENTSTORE_URL');
    expect(() => eventStoreOf({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'http://admin:secret@127.0.0.1:2113' })).toThrow(/EVENTSTORE_URL must be a KurrentDB\/EventStoreDB connection string .* got "http:\/\/\*\*\*@127\.0\.0\.1:2113"/);
    expect(() => eventStoreOf({ EVENT_STORE: 'kurrent' })).toThrow('EVENT_STORE must be "postgres" (the default) or "eventstoredb", got "kurrent"');
  });

  it('are read by loadConfig, which the API and the admin tool share', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pm-config-'));
    try {
      const base = { DATA_DIR: dataDir, JWT_SECRET: 'x', AMILI_SYNC: 'off' };
      expect(loadConfig({ ...base, EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'kurrentdb://127.0.0.1:2113?tls=false' })).toMatchObject({ eventStore: 'eventstoredb', eventStoreUrl: 'kurrentdb://127.0.0.1:2113?tls=false' });
      expect(loadConfig(base)).toMatchObject({ eventStore: 'postgres' });
      expect(() => loadConfig({ ...base, EVENT_STORE: 'eventstoredb' })).toThrow('needs EVENTSTORE_URL');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
