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
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { boundaries: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: { 'boundaries/no-import-cycle': 'error' },
  },
]);
