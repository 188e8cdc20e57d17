import { chmodSync, existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, sql, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrations/index.js';

export type DialectName = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Resolves when the database answers a query (readiness). */
  ping(): Promise<void>;
  /**
   * Refreshes the query planner's statistics where they are stale: SQLite's
   * `PRAGMA optimize` (cheap; analyses only tables whose size changed a lot).
   * PostgreSQL's autovacuum analyses by itself, so there it does nothing.
   */
  optimize(): Promise<void>;
  /** PostgreSQL connections of this process: open, idle, and requests waiting for one; undefined on SQLite (one connection). */
  poolStats(): { total: number; idle: number; waiting: number } | undefined;
  close(): Promise<void>;
}

/** How long a SQLite writer waits for another process's write lock before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;
/**
 * SQLite page cache per connection, in KiB (the default is 2 MiB). 32 MiB
 * keeps the hot b-tree pages of the orders, notifications and ledger
 * indexes of a large database in memory, so a lookup does not become a read
 * syscall per page; the memory is taken only as pages are read.
 */
const SQLITE_PAGE_CACHE_KIB = 32 * 1024;
/** Connections per process to PostgreSQL: the request path holds one per in-flight transaction. */
const POSTGRES_POOL_SIZE = 10;
/**
 * How long a request waits for a new PostgreSQL connection. Without a bound a
 * server that drops packets (a failover in progress) holds every request
 * forever; five seconds outlasts a normal connect under load and still
 * answers the caller "retry" long before its own timeout.
 */
const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

/** Receives the errors of connections the server closed; the pool replaces those connections by itself. */
export type ConnectionErrorListener = (error: Error) => void;

/**
 * SQLite's plain `BEGIN` takes the write lock lazily, so two processes that
 * both read and then write deadlock with SQLITE_BUSY, which no busy timeout
 * resolves. `BEGIN IMMEDIATE` takes the lock up front and waits for it.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * Distinct SQL texts whose prepared statements are kept per connection. The
 * gateway issues a few dozen shapes of query; the bound only guards against
 * a runaway caller.
 */
const SQLITE_STATEMENT_CACHE_MAX = 256;

/**
 * Kysely's SQLite driver prepares every query anew, which re-parses the SQL
 * on each request. Statements are reusable (the driver runs one at a time on
 * the single connection), so keep them by SQL text.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver);
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          if (cache.size >= SQLITE_STATEMENT_CACHE_MAX) cache.delete(cache.keys().next().value as string);
          statement = prepare(source);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

/**
 * A pool whose connections never stop the process when the server goes away
 * (a restart, a failover, `pg_terminate_backend`). node-postgres reports such
 * a loss as an 'error' event: on the pool for an idle connection, on the
 * client itself for one a request has checked out. An event without a
 * listener is an uncaught exception, so every client gets one the moment it
 * connects. The query running on the lost connection fails (its request is
 * answered "retry"), the pool discards the broken client on release, and the
 * next request opens a fresh connection: reconnecting needs nothing more.
 */
function resilientPool(url: string, onConnectionError: ConnectionErrorListener): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: POSTGRES_POOL_SIZE, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS, keepAlive: true });
  // The pool repeats an idle client's error; the client's own listener has reported it already.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  return pool;
}

let int8ParserInstalled = false;
function installInt8Parser(): void {
  if (int8ParserInstalled) return;
  // int8 (oid 20) arrives as text; parse it to BigInt so money stays exact.
  pg.types.setTypeParser(20, (text: string) => BigInt(text));
  int8ParserInstalled = true;
}

/** Which database a URL names: `postgres://…` is PostgreSQL, anything else a SQLite file. */
export function dialectOf(url: string): DialectName {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

/** Opens the database named by `url`: `postgres://…` or a SQLite file path (`:memory:` for tests). */
export async function openDatabase(
  url: string,
  options: { migrate?: boolean; sqliteSynchronous?: 'NORMAL' | 'FULL'; onConnectionError?: ConnectionErrorListener } = {},
): Promise<OpenedDatabase> {
  const dialect = dialectOf(url);
  let db: Kysely<Database>;
  let pool: pg.Pool | undefined;
  if (dialect === 'postgres') {
    installInt8Parser();
    pool = resilientPool(url, options.onConnectionError ?? (() => undefined));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    const path = url.replace(/^sqlite:(\/\/)?/, '');
    const sqlite = new BetterSqlite3(path);
    sqlite.defaultSafeIntegers(true);
    sqlite.pragma('journal_mode = WAL');
    // The database, its WAL and its shm hold every order and payer: the gateway's user only, whatever the umask.
    for (const file of [path, `${path}-wal`, `${path}-shm`]) if (path !== ':memory:' && existsSync(file)) chmodSync(file, 0o600);
    // In WAL mode NORMAL keeps every committed transaction across a process
    // crash (the guarantee the gateway makes); FULL adds an fsync per commit
    // for power loss, at a cost in throughput, and is one setting away.
    sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    sqlite.pragma(`cache_size = -${SQLITE_PAGE_CACHE_KIB}`);
    db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  }
  if (options.migrate !== false) await migrateToLatest(db, dialect);
  const optimize = async () => {
    if (dialect === 'sqlite') await sql`pragma optimize`.execute(db);
  };
  // SQLite's advice for a long-lived connection: optimize once at open (with a bounded analysis), then now and then.
  if (dialect === 'sqlite') await sql`pragma optimize = 0x10002`.execute(db);
  return {
    db,
    dialect,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    optimize,
    poolStats: () => (pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : undefined),
    close: () => db.destroy(),
  };
}
