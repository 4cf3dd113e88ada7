// Lint for the whole repository: ESLint's and typescript-eslint's recommended rules, with the
// globals each part runs with. UI extensions run in HubSpot's web worker sandbox, hence worker
// globals there, the React and hooks rules HubSpot's UI-extension templates enable, and HubSpot's
// own UI-extension rules (the ones `hs project lint` runs), so what fails HubSpot's build or
// runtime fails here first.
import js from '@eslint/js';
import { config as hubspotUiExtensions } from '@hubspot/eslint-config-ui-extensions';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import noImportCycle from './eslint-rules/no-import-cycle.mjs';

const SRC_STANDS_ALONE =
  'src/ is what HubSpot uploads and builds without server/ or sandbox/: move the shared type or rule into a package under src/app/packages/ and import it from both sides.';
const PACKAGES_ARE_PURE =
  'The domain and contracts packages are pure rules and shapes, without I/O: they import each other and zod only. Do the I/O in the service or the function and pass the result in.';
const SANDBOX_IS_HUBSPOT =
  'The sandbox plays HubSpot and must not share the service\'s code: model what HubSpot does in sandbox/ itself.';
const MIGRATIONS_ARE_HISTORY =
  'Migrations are frozen history that only the migration runner (server/db/database.ts) loads: put what a migration shares with the app in a module both import (e.g. server/db/decision-rollup-grain.ts).';
const MIGRATION_RUNNER = 'server/db/database.ts';

/** A no-restricted-imports pattern for any relative path that climbs out into one of `folders` at the root. */
function leaving(folders, message) {
  return { regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message };
}

// Module-level `let`, and module-level Map/Set/WeakMap/WeakSet, exported or not.
const STATEFUL = 'NewExpression[callee.name=/^(Weak)?(Map|Set)$/]';
const moduleLevelState = [
  ...['Program >', 'Program > ExportNamedDeclaration >'].flatMap((at) => [
    { selector: `${at} VariableDeclaration[kind="let"]`, message: 'Module-level `let` is state shared by every context: put it on AppContext, or make it a const.' },
    {
      selector: `${at} VariableDeclaration > VariableDeclarator > ${STATEFUL}.init`,
      message: 'A module-level Map/Set/WeakMap is state shared by every context: put it on AppContext. A true constant says why on an eslint-disable-next-line comment.',
    },
  ]),
];

// Everything that ends up in a UI extension bundle: the extension folders and the workspace
// packages they import (the domain package runs in the settings page too).
const uiBundleFiles = ['src/app/{cards,settings,pages,packages}/**/*.{ts,tsx}'];

export default defineConfig([
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'data/', 'src/app/functions/*.js'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'prefer-const': 'error',
      'no-var': 'error',
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}'],
    ...react.configs.flat.recommended,
    ...react.configs.flat['jsx-runtime'],
    settings: { react: { version: '18.3' } },
  },
  {
    files: ['src/app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['src/app/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.worker, ...globals.es2021 }, parserOptions: { ecmaFeatures: { jsx: true } } },
    // Cards log through HubSpot's logger or show errors; stray console calls are leftovers.
    rules: { 'no-console': 'warn' },
  },
  // HubSpot's rules, minus its entry for its own config files, on what HubSpot bundles.
  ...hubspotUiExtensions
    .filter((entry) => Object.keys(entry.rules ?? {}).some((rule) => rule.startsWith('@hubspot/ui-extensions/')))
    .map((entry) => ({ ...entry, files: uiBundleFiles })),
  { files: ['**/*.cjs', 'jest.config.js'], languageOptions: { sourceType: 'commonjs' } },
  { files: ['test/**'], languageOptions: { globals: { ...globals.jest } } },
  // Layer boundaries (docs/architecture.md). Import cycles, type-only ones included, fail everywhere.
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { boundaries: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: { 'boundaries/no-import-cycle': 'error' },
  },
  // What HubSpot receives (src/) stands alone: it is uploaded without server/ or sandbox/.
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [leaving(['server', 'sandbox'], SRC_STANDS_ALONE)] }] },
  },
  // The shared packages are pure: the service, the functions and every UI bundle run them as they are.
  {
    files: ['src/app/packages/{domain,contracts}/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [leaving(['server', 'sandbox'], SRC_STANDS_ALONE), { regex: '^(?!\\.|zod$|@referral-ops/)', message: PACKAGES_ARE_PURE }] }],
    },
  },
  // The sandbox plays HubSpot; reaching into the service would let it agree with the service's mistakes.
  {
    files: ['sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [leaving(['server'], SANDBOX_IS_HUBSPOT)] }] },
  },
  // Migrations are frozen history that only the migration runner loads.
  {
    files: ['server/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['server/db/migrations/**', MIGRATION_RUNNER],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)migrations(/|$)', message: MIGRATIONS_ARE_HISTORY }] }] },
  },
  // No module-level mutable state in the service: several contexts (tests, replicas in one process)
  // must never share a cache or a queue. Per-context state belongs on AppContext. A true constant
  // that needs `new Set(…)` says so: `// eslint-disable-next-line no-restricted-syntax -- <why>`.
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...moduleLevelState] },
  },
]);
