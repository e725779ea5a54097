const base = require('./jest.config.cjs');

module.exports = { ...base, testPathIgnorePatterns: ['/node_modules/'], testMatch: ['<rootDir>/test/postgres/**/*.spec.ts'] };
