/** One jest run covers unit tests and integration tests against the real stack (see test/support). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The schemathesis run takes minutes on 2 cores and needs Python: `npm run contract` (and .ci/run) runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/contract/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
  // Integration suites share one Temporal server and one database; two workers fit 2 cores.
  maxWorkers: 2,
};
