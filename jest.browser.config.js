/**
 * `npm run test:browser`: the local page in a real Chromium (Debian's, /usr/bin/chromium; never downloaded).
 * Kept out of `npm test` (its testMatch is *.test.ts) so the suite runs on a machine without a browser.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 60_000,
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};
