import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** How long a drop waits for the caller's own connections to finish closing. */
const DROP_WAIT_MS_MAX = 5_000;
const DROP_POLL_MS = 20;

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new, empty database on the PostgreSQL server at `serverUrl`, for a test
 * or a benchmark run that must not see anyone else's rows; `drop()` removes
 * it, and only it.
 */
export async function createScratchPostgresDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  if (!/^[a-z_]+$/.test(prefix)) throw new Error(`database name prefix must be lower-case letters and _, got ${prefix}`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
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
