import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', '.weir/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', '.weir/**'],
          globalSetup: ['test/global-setup.ts', 'test/workflow-bundle-setup.ts'],
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
