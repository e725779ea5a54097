import { pgliteStorage } from './support/api-harness';
import { describeMainFlow } from './support/main-flow';

describeMainFlow('the embedded PGlite store', pgliteStorage);
