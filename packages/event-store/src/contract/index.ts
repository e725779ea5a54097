// Test-only entry (jest globals): not built. Import as `@pm/event-store/src/contract`.
export { runEventStoreContract, type EventStoreContractHarness } from './event-store.contract';
export { runSqlEventStoreTests, type SqlEventStoreHarness } from './sql-event-store.contract';
export { deferred, eventually, newEvent, sleep } from './helpers';
