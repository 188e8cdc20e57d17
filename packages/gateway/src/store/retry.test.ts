import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from './database.js';
import { isRetryableTransactionError, retryBackoffMs, withTransactionRetry } from './retry.js';
import { TRANSACTION_RETRY_BACKOFF_MS_MAX } from './limits.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../test-support/test-database.js';

interface CounterDb {
  counters: { id: bigint; n: bigint };
}

/** Resolves once `parties` callers have arrived: lines two transactions up at the point where they collide. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    arrived += 1;
    if (arrived === parties) open();
    await opened;
  };
}

const noSleep = async () => {};

describe(`withTransactionRetry (${testDatabaseKind()})`, () => {
  let dir: string;
  let fresh: FreshDatabase;
  let opened: OpenedDatabase;
  let db: Kysely<CounterDb>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opencashier-retry-'));
    fresh = await freshTestDatabase(dir);
    opened = await openDatabase(fresh.url, { migrate: false });
    db = opened.db as unknown as Kysely<CounterDb>;
    await sql`create table counters (id bigint primary key, n bigint not null)`.execute(db);
    await db.insertInto('counters').values([{ id: 1n, n: 0n }, { id: 2n, n: 0n }]).execute();
  });

  afterEach(async () => {
    await opened.close();
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const counter = async (id: bigint) => (await db.selectFrom('counters').select('n').where('id', '=', id).executeTakeFirstOrThrow()).n;

  it('does not retry an error that is not about concurrency (a constraint violation), and changes nothing', async () => {
    let calls = 0;
    await expect(
      withTransactionRetry(db, async (tx) => {
        calls += 1;
        await tx.updateTable('counters').set({ n: 5n }).where('id', '=', 1n).execute();
        await tx.insertInto('counters').values({ id: 1n, n: 1n }).execute();
      }),
    ).rejects.toSatisfy((err) => !isRetryableTransactionError(err));
    expect(calls).toBe(1);
    expect(await counter(1n)).toBe(0n);
  });

  it('refuses to run inside another transaction, where a retry could not start afresh', async () => {
    await expect(db.transaction().execute((tx) => withTransactionRetry<CounterDb, number>(tx, async () => 1))).rejects.toThrow(/not a transaction/);
  });

  if (testDatabaseKind() === 'postgres') {
    it('a lost update under SERIALIZABLE fails with 40001 and, retried, counts both increments', async () => {
      const bothRead = barrier(2);
      const codes: string[] = [];
      const increment = () => {
        let attempt = 0;
        return withTransactionRetry(
          db,
          async (tx) => {
            attempt += 1;
            const { n } = await tx.selectFrom('counters').select('n').where('id', '=', 1n).executeTakeFirstOrThrow();
            if (attempt === 1) await bothRead();
            await tx.updateTable('counters').set({ n: n + 1n }).where('id', '=', 1n).execute();
          },
          { isolationLevel: 'serializable', onRetry: (err) => codes.push((err as { code: string }).code), sleep: noSleep },
        );
      };
      await Promise.all([increment(), increment()]);
      expect(codes).toEqual(['40001']);
      expect(await counter(1n)).toBe(2n);
    });

    it('without retries the same race surfaces SQLSTATE 40001 to the caller', async () => {
      const bothRead = barrier(2);
      const increment = () =>
        withTransactionRetry(
          db,
          async (tx) => {
            const { n } = await tx.selectFrom('counters').select('n').where('id', '=', 1n).executeTakeFirstOrThrow();
            await bothRead();
            await tx.updateTable('counters').set({ n: n + 1n }).where('id', '=', 1n).execute();
          },
          { isolationLevel: 'serializable', attemptsMax: 1 },
        );
      const results = await Promise.allSettled([increment(), increment()]);
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failures.map((f) => (f.reason as { code: string }).code)).toEqual(['40001']);
      expect(await counter(1n)).toBe(1n);
    });

    it('a deadlock (rows locked in opposite orders) fails with 40P01 and, retried, both transactions commit', async () => {
      const bothLockedFirst = barrier(2);
      const codes: string[] = [];
      const bumpBoth = (first: bigint, second: bigint) => {
        let attempt = 0;
        return withTransactionRetry(
          db,
          async (tx) => {
            attempt += 1;
            await tx.updateTable('counters').set((eb) => ({ n: eb('n', '+', 1n) })).where('id', '=', first).execute();
            if (attempt === 1) await bothLockedFirst();
            await tx.updateTable('counters').set((eb) => ({ n: eb('n', '+', 1n) })).where('id', '=', second).execute();
          },
          { onRetry: (err) => codes.push((err as { code: string }).code), sleep: noSleep },
        );
      };
      await Promise.all([bumpBoth(1n, 2n), bumpBoth(2n, 1n)]);
      expect(codes).toEqual(['40P01']);
      expect([await counter(1n), await counter(2n)]).toEqual([2n, 2n]);
    });
  } else {
    it('SQLITE_BUSY from a writer in another connection is retried once the lock is free', async () => {
      // A second process's connection holding the write lock, and a connection
      // that does not wait for it (busy_timeout 0), so SQLITE_BUSY comes at once.
      const holder = new BetterSqlite3(fresh.url);
      const impatient = new BetterSqlite3(fresh.url);
      impatient.pragma('busy_timeout = 0');
      impatient.defaultSafeIntegers(true);
      const impatientDb = new Kysely<CounterDb>({ dialect: new SqliteDialect({ database: impatient }) });
      try {
        holder.exec('begin immediate');
        holder.exec('update counters set n = 100 where id = 2');
        const codes: string[] = [];
        await withTransactionRetry(impatientDb, async (tx) => tx.updateTable('counters').set((eb) => ({ n: eb('n', '+', 1n) })).where('id', '=', 1n).execute(), {
          sleep: noSleep,
          onRetry: (err) => {
            codes.push((err as { code: string }).code);
            holder.exec('commit');
          },
        });
        expect(codes).toEqual(['SQLITE_BUSY']);
        expect([await counter(1n), await counter(2n)]).toEqual([1n, 100n]);
      } finally {
        if (holder.inTransaction) holder.exec('rollback');
        await impatientDb.destroy();
        holder.close();
      }
    });
  }

  it('gives up after attemptsMax and throws the last error', async () => {
    let calls = 0;
    const busy = Object.assign(new Error('database is locked'), { code: testDatabaseKind() === 'postgres' ? '40001' : 'SQLITE_BUSY' });
    await expect(
      withTransactionRetry(
        db,
        async () => {
          calls += 1;
          throw busy;
        },
        { attemptsMax: 3, sleep: noSleep },
      ),
    ).rejects.toBe(busy);
    expect(calls).toBe(3);
  });
});

describe('retry classification and back-off', () => {
  it('recognises exactly the concurrency codes', () => {
    for (const code of ['40001', '40P01', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']) expect(isRetryableTransactionError({ code })).toBe(true);
    for (const code of ['23505', '23514', '40000', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_LOCKED', undefined]) expect(isRetryableTransactionError({ code })).toBe(false);
    expect(isRetryableTransactionError(null)).toBe(false);
  });

  it('backs off within a ceiling that doubles and is capped', () => {
    expect(retryBackoffMs(1, () => 0)).toBe(0);
    expect(retryBackoffMs(2, () => 0.999_999)).toBeLessThanOrEqual(retryBackoffMs(3, () => 0.999_999));
    expect(retryBackoffMs(30, () => 0.999_999)).toBeLessThanOrEqual(TRANSACTION_RETRY_BACKOFF_MS_MAX);
  });
});
