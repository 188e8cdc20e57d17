import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The suite runs once on SQLite and, when a PostgreSQL server is named by
 * OPENCASHIER_TEST_POSTGRES_URL (the test command starts a throwaway one),
 * once more on PostgreSQL: every gateway a test starts uses the run's
 * database (test-support/test-database.ts). The SDK and the demo shop touch
 * no database, so the PostgreSQL run covers the gateway package.
 */
const postgres = Boolean(process.env.OPENCASHIER_TEST_POSTGRES_URL);

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the SDK, not its build output.
    alias: { '@opencashier/sdk': fileURLToPath(new URL('./packages/sdk/src/index.ts', import.meta.url)) },
  },
  test: {
    // Each run names its files: a project's list would be added to one given here, not replace it.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: [fileURLToPath(new URL('./scripts/vitest-seed.ts', import.meta.url))],
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
          env: { OPENCASHIER_TEST_DATABASE: 'sqlite' },
        },
      },
      ...(postgres
        ? [
            {
              extends: true,
              test: {
                name: 'postgres',
                include: ['packages/gateway/src/**/*.test.ts', 'packages/gateway/test/**/*.test.ts'],
                env: { OPENCASHIER_TEST_DATABASE: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
