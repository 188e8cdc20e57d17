/**
 * A test gateway whose database a test can take away and give back, for
 * real, on either database of the run:
 *
 * - PostgreSQL: the gateway reaches the server through a TCP relay; the
 *   outage refuses new connections and cuts the open ones.
 * - SQLite: another connection holds the write lock, so every write waits
 *   out the busy timeout and fails with SQLITE_BUSY, as when another process
 *   hangs in a transaction.
 */
import BetterSqlite3 from 'better-sqlite3';
import { startTestGateway, type TestGateway } from '../harness.js';
import { testDatabaseKind } from '../../src/test-support/test-database.js';
import { TcpProxy } from './tcp-proxy.js';

export interface OutageGateway {
  t: TestGateway;
  /** What the outage takes away: writes (SQLite) or the whole server (PostgreSQL). */
  kind: 'writes' | 'server';
  begin(): Promise<void>;
  end(): Promise<void>;
  close(): Promise<void>;
}

export async function startOutageGateway(overrides: Record<string, string> = {}): Promise<OutageGateway> {
  if (testDatabaseKind() === 'postgres') {
    const serverUrl = process.env.OPENCASHIER_TEST_POSTGRES_URL!;
    const proxy = new TcpProxy(new URL(serverUrl));
    await proxy.up();
    // No background work: the outage is about the requests a merchant makes.
    const t = await startTestGateway({ ...overrides, OPENCASHIER_DATABASE_URL: proxy.url(serverUrl) }, { background: false });
    return {
      t,
      kind: 'server',
      begin: () => proxy.down(),
      end: () => proxy.up(),
      async close() {
        await proxy.up().catch(() => undefined);
        await t.close();
        await proxy.down();
      },
    };
  }
  const t = await startTestGateway(overrides, { background: false });
  const holder = new BetterSqlite3(t.config.databaseUrl);
  return {
    t,
    kind: 'writes',
    begin: async () => {
      holder.exec('begin immediate');
    },
    end: async () => {
      if (holder.inTransaction) holder.exec('rollback');
    },
    async close() {
      if (holder.inTransaction) holder.exec('rollback');
      holder.close();
      await t.close();
    },
  };
}
