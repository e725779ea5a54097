// The browser suites (playwright-core + Debian's Chromium): run by `pnpm test:browser` from .ci/run.
const base = require('./jest.config.cjs');

module.exports = { ...base, testPathIgnorePatterns: ['/node_modules/'], testMatch: ['<rootDir>/test/browser/**/*.spec.ts'], testTimeout: 180_000 };
