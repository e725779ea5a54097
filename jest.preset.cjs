// Shared jest setup: @swc/jest compiles TypeScript (with decorator metadata for NestJS) without ts-jest.
const { join } = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
      },
    ],
    // PGlite loads Node built-ins with import(); see jest/pglite-dynamic-import.cjs.
    '@electric-sql/pglite/dist/.+\\.cjs$': join(__dirname, 'jest', 'pglite-dynamic-import.cjs'),
  },
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/@electric-sql\\+pglite@|@electric-sql/pglite/))'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
