module.exports = {
  ...require('../../jest.preset.cjs'),
  // Suites that need the PostgreSQL server run from `pnpm test:postgres`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/postgres/'],
  testTimeout: 120_000,
};
