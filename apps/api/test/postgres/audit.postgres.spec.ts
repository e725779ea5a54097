import { postgresStorage } from '../support/api-harness';
import { describeAuditSuite } from '../support/audit-suite';

const url = process.env.DATABASE_URL;
if (url) describeAuditSuite('the PostgreSQL server', postgresStorage(url));
else
  describe('Audit export and tamper evidence on the PostgreSQL server', () => {
    it('is skipped: DATABASE_URL is not set (CI sets it; run `DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pnpm test:postgres`)', () => {
      console.warn('DATABASE_URL not set: the PostgreSQL audit suite did not run');
    });
  });
