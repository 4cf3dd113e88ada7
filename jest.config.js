/** Jest runs TypeScript through swc; HubSpot's UI packages ship ESM, so they are transformed too. */
const swc = ['@swc/jest', {
  jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2022' },
  module: { type: 'commonjs' },
}];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.(t|j|mj)sx?$': swc },
  // intl-messageformat and its @formatjs parts ship ESM only, like HubSpot's UI packages.
  transformIgnorePatterns: ['/node_modules/(?!(@hubspot|@remote-ui|tinyspy|intl-messageformat|@formatjs)/)'],
  // The UI's workspace packages by name (see tsconfig.json paths).
  moduleNameMapper: { '^@referral-ops/(.*)$': '<rootDir>/src/app/packages/$1' },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 30000,
  // Every test may reach loopback only (the service, the sandbox, PostgreSQL, Chromium).
  setupFilesAfterEnv: ['<rootDir>/test/support/loopback-only.ts'],
};
