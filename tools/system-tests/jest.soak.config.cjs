// `pnpm soak` (not part of CI): the crash scenario for SOAK_MINUTES against the PostgreSQL server (DATABASE_URL).
const base = require('./jest.config.cjs');

module.exports = { ...base, testPathIgnorePatterns: ['/node_modules/'], testMatch: ['<rootDir>/test/soak/**/*.soak.ts'], testTimeout: 24 * 3_600_000 };
