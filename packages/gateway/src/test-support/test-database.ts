/**
 * Which database the test run targets, and fresh databases to run on.
 *
 * `npm test` runs the whole suite twice when a PostgreSQL server is at hand
 * (see vitest.config.ts): once with OPENCASHIER_TEST_DATABASE=sqlite and once
 * with OPENCASHIER_TEST_DATABASE=postgres. Every gateway a test starts — in
 * process or as a child process — uses the run's database.
 */
import { join } from 'node:path';
import { createScratchPostgresDatabase, type ScratchDatabase } from '../store/scratch-postgres-database.js';

export type TestDatabaseKind = 'sqlite' | 'postgres';

/** The database of this run: PostgreSQL when the run says so (and names a server), SQLite otherwise. */
export function testDatabaseKind(env: NodeJS.ProcessEnv = process.env): TestDatabaseKind {
  if (env.OPENCASHIER_TEST_DATABASE !== 'postgres') return 'sqlite';
  if (!env.OPENCASHIER_TEST_POSTGRES_URL) throw new Error('OPENCASHIER_TEST_DATABASE=postgres needs OPENCASHIER_TEST_POSTGRES_URL (the test command sets both)');
  return 'postgres';
}

/** A database for one test, removed by `drop()`. */
export type FreshDatabase = ScratchDatabase;

/**
 * A database of its own for one test gateway (or a group of nodes sharing it),
 * so files running side by side never see each other's rows: a new database
 * on the PostgreSQL server, or a SQLite file in `dir`.
 */
export async function freshTestDatabase(dir: string, kind: TestDatabaseKind = testDatabaseKind()): Promise<FreshDatabase> {
  if (kind === 'postgres') return freshPostgresDatabase(process.env.OPENCASHIER_TEST_POSTGRES_URL!);
  return { url: join(dir, 'opencashier.sqlite'), drop: async () => {} };
}

/** A new, empty database on the server at `serverUrl`; `drop()` removes it (and only it). */
export function freshPostgresDatabase(serverUrl: string): Promise<FreshDatabase> {
  return createScratchPostgresDatabase(serverUrl, 'opencashier_test');
}
