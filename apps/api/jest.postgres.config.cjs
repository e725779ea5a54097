// The suites that need the PostgreSQL server (DATABASE_URL): run by `pnpm test:postgres` from .ci/run.
const base = require('./jest.config.cjs');

module.exports = { ...base, testPathIgnorePatterns: ['/node_modules/'], testMatch: ['<rootDir>/test/postgres/**/*.spec.ts'] };
