/**
 * Which database the test run targets, and fresh databases to run on.
 *
 * `npm test` runs the whole suite twice when a PostgreSQL server is at hand
 * (see vitest.config.ts): once with OPENCASHIER_TEST_DATABASE=sqlite and once
 * with OPENCASHIER_TEST_DATABASE=postgres. Every gateway a test starts — in
 * process or as a child process — uses the run's database.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

/** How long a drop waits for the test's own connections to finish closing. */
const DROP_WAIT_MS_MAX = 5_000;
const DROP_POLL_MS = 20;

export type TestDatabaseKind = 'sqlite' | 'postgres';

/** The database of this run: PostgreSQL when the run says so (and names a server), SQLite otherwise. */
export function testDatabaseKind(env: NodeJS.ProcessEnv = process.env): TestDatabaseKind {
  if (env.OPENCASHIER_TEST_DATABASE !== 'postgres') return 'sqlite';
  if (!env.OPENCASHIER_TEST_POSTGRES_URL) throw new Error('OPENCASHIER_TEST_DATABASE=postgres needs OPENCASHIER_TEST_POSTGRES_URL (the test command sets both)');
  return 'postgres';
}

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

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
export async function freshPostgresDatabase(serverUrl: string): Promise<FreshDatabase> {
  const name = `opencashier_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        // A closed pool resolves before its sockets have ended; forcing the drop
        // while they linger would send them an error nothing listens for any more.
        for (let waitedMs = 0; waitedMs < DROP_WAIT_MS_MAX; waitedMs += DROP_POLL_MS) {
          const { rows } = await c.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
          if (Number(rows[0]!.n) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, DROP_POLL_MS));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
