import { InMemoryEventStore } from '../in-memory-event-store';
import { runEventStoreContract } from './event-store.contract';

runEventStoreContract('in-memory', { create: async () => new InMemoryEventStore() });
