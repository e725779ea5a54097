import { postgresStorage } from '../support/api-harness';
import { describeMainFlow } from '../support/main-flow';

const url = process.env.DATABASE_URL;
if (url) describeMainFlow('the PostgreSQL server', postgresStorage(url));
else
  describe('Main flow on the PostgreSQL server', () => {
    it('is skipped: DATABASE_URL is not set (CI sets it; run `DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pnpm test:postgres`)', () => {
      console.warn('DATABASE_URL not set: the PostgreSQL end-to-end suite did not run');
    });
  });
