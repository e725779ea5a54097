import { pgliteStorage } from './support/api-harness';
import { describeAuditSuite } from './support/audit-suite';

describeAuditSuite('the embedded PGlite store', pgliteStorage);
