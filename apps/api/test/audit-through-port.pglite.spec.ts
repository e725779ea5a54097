/**
 * The audit export and tamper evidence with the log read through the event store port only, as the log on
 * KurrentDB is read (the streams listed by a pass over the log, the lag and totals counted by reading it),
 * on the embedded store so that the tampering can still be done in SQL.
 */
import { pgliteThroughPort } from './support/api-harness';
import { describeAuditSuite } from './support/audit-suite';

describeAuditSuite('the embedded PGlite store, read through the port only', pgliteThroughPort);
