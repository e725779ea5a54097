module.exports = {
  ...require('../../jest.preset.cjs'),
  // The PostgreSQL suites run from `pnpm test:postgres` (CI), against the real server.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/postgres/'],
  testTimeout: 30000,
};
