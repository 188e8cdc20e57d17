import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../store/database.js';
import { migrateToLatest, migrationStatus, schemaTooNew, type MigrationStatus } from '../store/migrations/index.js';

async function withUnmigratedDatabase<T>(task: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config.databaseUrl, { migrate: false, sqliteSynchronous: config.sqliteSynchronous });
  try {
    return await task(database);
  } finally {
    await database.close();
  }
}

function statusLines(status: MigrationStatus): string[] {
  return [
    ...status.known.map((m) => `${m.applied ? 'applied' : 'pending'}  ${m.name}`),
    ...status.unknownApplied.map((name) => `unknown  ${name} (applied by a newer gateway)`),
  ];
}

/** `migrate status` and `migrate up [--dry-run]`, beside the plain `migrate` (which applies). */
export function migrateCommands(migrate: Command, fail: (message: string) => never): void {
  migrate
    .command('status')
    .description('list every migration this gateway knows as applied or pending, and any the database has that it does not know; changes nothing')
    .option('--json', 'print JSON {known: [{name, applied}], unknownApplied: [...]}', false)
    .action(async (o: { json: boolean }) => {
      const status = await withUnmigratedDatabase((d) => migrationStatus(d.db, d.dialect));
      console.log(o.json ? JSON.stringify(status) : statusLines(status).join('\n'));
      if (status.unknownApplied.length > 0) process.exitCode = 3;
    });
  migrate
    .command('up')
    .description('apply the pending migrations (--dry-run: only list them)')
    .option('--dry-run', 'list what would be applied, change nothing', false)
    .action(async (o: { dryRun: boolean }) => {
      await withUnmigratedDatabase(async (d) => {
        const status = await migrationStatus(d.db, d.dialect);
        const tooNew = schemaTooNew(status);
        if (tooNew) fail(tooNew);
        const pending = status.known.filter((m) => !m.applied).map((m) => m.name);
        if (o.dryRun) {
          console.log(pending.length === 0 ? 'nothing to apply' : `would apply:\n${pending.join('\n')}`);
          return;
        }
        const applied = await migrateToLatest(d.db, d.dialect);
        console.log(applied.length === 0 ? 'nothing to apply' : `applied:\n${applied.join('\n')}`);
      });
    });
}
