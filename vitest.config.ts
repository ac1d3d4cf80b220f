import { defineConfig } from 'vitest/config';

/**
 * `import ... from 'weir'` in this repo's DAG files and tests resolves through package.json's
 * `weir-source` condition to the TypeScript sources, the same module instances the tests import,
 * not to the compiled dist/ a user gets. Child processes that load DAG files from the sources
 * pass `--conditions=weir-source` for the same reason
 * (test/worker-process-launcher.ts, bench/child-process.ts).
 */
// Vite's default server conditions, with ours first and without `module`: that one picks the
// ESM builds of packages such as the AWS SDK, whose extensionless imports Node cannot load.
const WEIR_SOURCE_CONDITIONS = ['weir-source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions: WEIR_SOURCE_CONDITIONS },
  // Not 'module' on the server side: packages loaded by Node itself (externals) must resolve as Node resolves them;
  // some (the AWS SDK's dist-es) are not valid Node ESM.
  ssr: { resolve: { conditions: ['weir-source', 'node', 'development|production'], externalConditions: ['weir-source'] } },
  test: {
    projects: [
      // The fault suite (test/fault/) sits in both projects by file name: its `*.test.ts` need no
      // stack, its `*.int.test.ts` share the one stack of test/global-setup.ts with every other
      // integration test. `npm run test:fault` reruns just that folder.
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', '.weir/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', '.weir/**'],
          globalSetup: ['test/build-setup.ts', 'test/global-setup.ts', 'test/workflow-bundle-setup.ts', 'test/browser-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
          // Vitest refuses projects with different maxWorkers in the same group; this also
          // runs the fast unit tests first.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
