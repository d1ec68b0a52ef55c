/**
 * `npm run test:reliability`: the reliability suite (test/reliability, files *.reliability.ts). It attacks the
 * pipeline through the real Lambda handlers, both DynamoDB engines and the Slack stand-in (duplicates,
 * reordering, Slack and DynamoDB faults, contention, hostile and forged input), prints each scenario's figures
 * and fails on any loss or duplicate. Kept out of `npm test` (its testMatch is *.test.ts): it takes minutes.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.reliability.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // Two workers on a 2-core machine: DynamoDB Local's JVM and the handlers share them.
  maxWorkers: 2,
  testTimeout: 300_000,
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};
