module.exports = {
  ...require('../../jest.preset.cjs'),
  // The PostgreSQL and browser suites run from `pnpm test:postgres` and `pnpm test:browser` (.ci/run).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/postgres/', '<rootDir>/test/browser/'],
  testTimeout: 120_000,
};
