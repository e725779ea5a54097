// Component tests: jsdom, TSX through @swc/jest with React's automatic runtime.
module.exports = {
  testEnvironment: '<rootDir>/test/support/jsdom-with-fetch.cjs',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2022' } },
    ],
  },
  moduleNameMapper: { '\\.css$': '<rootDir>/test/support/style-stub.cjs' },
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
  testMatch: ['<rootDir>/test/**/*.spec.tsx', '<rootDir>/test/**/*.spec.ts'],
  // Typing with user-event in jsdom is slow; on 2 cores shared with the other packages' tests 5 s is too tight.
  testTimeout: 20_000,
};
