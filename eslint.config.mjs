// Lint for the whole repository: ESLint's and typescript-eslint's recommended rules, with the
// globals each part runs with. UI extensions run in HubSpot's web worker sandbox, hence worker
// globals there, and the React and hooks rules HubSpot's UI-extension templates enable.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

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
  { files: ['**/*.cjs', 'jest.config.js'], languageOptions: { sourceType: 'commonjs' } },
  { files: ['test/**'], languageOptions: { globals: { ...globals.jest } } },
]);
