const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  transform: { ...preset.transform, '@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/../../packages/event-store/jest/pglite-dynamic-import.cjs' },
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/@electric-sql\\+pglite@|@electric-sql/pglite/))'],
  // The PostgreSQL suites run from `pnpm test:postgres` (CI), against the real server.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/postgres/'],
  testTimeout: 30000,
};
