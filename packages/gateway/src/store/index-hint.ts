import { sql, SqliteAdapter, type Kysely, type RawBuilder } from 'kysely';

/**
 * `indexed by <name>` on SQLite, nothing on PostgreSQL. SQLite's planner,
 * without statistics for a partial index, may prefer a wider index on a
 * column the query also filters on; `indexed by` makes it read the partial
 * index — and fails the statement, instead of silently scanning, if a change
 * to the query ever made that index unusable. PostgreSQL picks a small
 * partial index from its own statistics.
 */
export function sqliteIndexedBy(db: Kysely<any>, indexName: string): RawBuilder<unknown> {
  return db.getExecutor().adapter instanceof SqliteAdapter ? sql`indexed by ${sql.id(indexName)}` : sql``;
}
