import { isDatabaseUnavailable } from './connection-errors.js';
import { openDatabase, type OpenedDatabase } from './database.js';

/** First pause before trying an unreachable database again; doubled per attempt up to the longest. */
const DATABASE_START_RETRY_MS_FIRST = 250;
const DATABASE_START_RETRY_MS_LONGEST = 5_000;

/** The database named by `url`, for messages: the PostgreSQL server and database without credentials, or the SQLite file. */
export function describeDatabase(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) return `SQLite file ${url.replace(/^sqlite:(\/\/)?/, '')}`;
  try {
    const parsed = new URL(url);
    return `PostgreSQL at ${parsed.hostname || parsed.searchParams.get('host') || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL (the URL does not parse)';
  }
}

function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown[] };
  const code = typeof e.code === 'string' ? e.code : Array.isArray(e.errors) ? (e.errors[0] as { code?: string } | undefined)?.code : undefined;
  return [code, typeof e.message === 'string' && e.message !== '' ? e.message : undefined].filter(Boolean).join(': ') || String(error);
}

export interface StartRetryOptions {
  /** How long to keep trying before giving up (a server still starting, a failover in progress). */
  waitMsMax: number;
  log: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
}

/**
 * Opens the database at start, trying again with back-off while it is
 * unreachable (refused, restarting, not yet resolvable), saying each time
 * what is tried and where. Any other failure (a wrong password, a migration
 * error) is thrown at once: waiting would not fix it.
 */
export async function openDatabaseWithRetry(url: string, options: Parameters<typeof openDatabase>[1], retry: StartRetryOptions): Promise<OpenedDatabase> {
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const clock = retry.clock ?? Date.now;
  const startedAtMs = clock();
  const where = describeDatabase(url);
  for (let pauseMs = DATABASE_START_RETRY_MS_FIRST; ; pauseMs = Math.min(pauseMs * 2, DATABASE_START_RETRY_MS_LONGEST)) {
    try {
      const database = await openDatabase(url, options);
      // Without migrations nothing has touched the server yet (the pool connects lazily): ask it once.
      await database.ping().catch(async (error: unknown) => {
        await database.close().catch(() => undefined);
        throw error;
      });
      return database;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const waitedMs = clock() - startedAtMs;
      if (waitedMs + pauseMs > retry.waitMsMax) {
        throw new Error(`database unreachable for ${Math.round(waitedMs / 1000)} s: ${where} (${reasonOf(error)}); check OPENCASHIER_DATABASE_URL and that the server is running`);
      }
      retry.log(`database unreachable: ${where} (${reasonOf(error)}); trying again in ${pauseMs} ms`);
      await sleep(pauseMs);
    }
  }
}
