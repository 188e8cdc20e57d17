import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { loadKek } from '../app.js';
import { loadOrCreateGatewayKeys } from '../keys/gateway-keys.js';
import { isBusinessDate } from '../domain/business-day.js';
import { FxQuoteRepository } from '../store/fx-quote-repository.js';
import { ReconciliationRepository, sqliteFileOf } from '../store/reconciliation-repository.js';
import { reconciliationChunks, signChunks } from '../reconciliation/reconciliation-file.js';
import { parseStatement } from '../reconciliation/reconciler.js';
import { reconcileDay, statementTimeParser } from '../reconciliation/reconcile-day.js';
import { withStore } from './main.js';

function fail(message: string): never {
  console.error(`opencashier: ${message}`);
  process.exit(2);
}

/** Kept here too for the scripts that import it from the CLI. */
export { statementTimeParser };

/** Operator commands for reconciliation files and channel statements. */
export function crossBorderCommands(program: Command): void {
  program
    .command('reconciliation-file')
    .description("write a merchant's reconciliation file for a business day, with its detached signature (<file>.sig)")
    .requiredOption('--merchant <merchantId>')
    .requiredOption('--date <YYYY-MM-DD>')
    .option('--out <dir>', 'directory to write into', '.')
    .action(async (o: { merchant: string; date: string; out: string }) => {
      if (!isBusinessDate(o.date)) fail('--date must be YYYY-MM-DD');
      const config = loadConfig();
      const { ring } = loadOrCreateGatewayKeys(config.dataDir, loadKek(config).kek, Date.now());
      await withStore(async ({ db }) => {
        const source = { entries: new ReconciliationRepository(db.db, { sqliteFile: sqliteFileOf(config.databaseUrl) }), quotes: new FxQuoteRepository(db.db), timeZone: config.timeZone };
        const path = join(o.out, `${o.merchant}_${o.date}.csv`);
        const file = createWriteStream(path);
        const signature = await signChunks(reconciliationChunks(source, o.merchant, o.date), ring.current.privateKey, async (chunk) => {
          if (!file.write(chunk)) await once(file, 'drain');
        });
        file.end();
        await once(file, 'finish');
        writeFileSync(`${path}.sig`, `${signature}\n`);
        console.log(`${path}\n${path}.sig`);
      });
    });

  program
    .command('reconcile')
    .description("compare a channel's statement for a business day with the gateway's records; exits 1 when anything differs")
    .argument('<channel-statement>', 'CSV with columns serialNumber,type,currency,amount,status (fee, completeTime optional)')
    .requiredOption('--date <YYYY-MM-DD>', 'the business day the statement covers')
    .option('--merchant <merchantId>', "only this merchant's records (default: all merchants)")
    .option('--json', 'print the report as JSON', false)
    .action(async (statementPath: string, o: { date: string; merchant?: string; json: boolean }) => {
      if (!isBusinessDate(o.date)) fail('--date must be YYYY-MM-DD');
      const config = loadConfig();
      const theirs = parseStatement(readFileSync(statementPath, 'utf8'), statementTimeParser(config.timeZone));
      await withStore(async ({ db }) => {
        const report = await reconcileDay(new ReconciliationRepository(db.db), { merchantId: o.merchant ?? null, date: o.date, timeZone: config.timeZone, theirs });
        if (o.json) {
          console.log(JSON.stringify({ date: o.date, matched: report.matched, mismatches: report.mismatches, carried: report.carried.map((e) => ({ type: e.type, serialNumber: e.serialNumber })) }, null, 2));
        } else {
          console.log(`${o.date}: ${report.matched} matched, ${report.mismatches.length} mismatches, ${report.carried.length} carried to the next day`);
          for (const m of report.mismatches) console.log(`${m.class}\t${m.type}\t${m.serialNumber}\tours=${m.ours ?? '-'}\ttheirs=${m.theirs ?? '-'}`);
          for (const e of report.carried) console.log(`CARRIED\t${e.type}\t${e.serialNumber}`);
        }
        process.exitCode = report.mismatches.length > 0 ? 1 : 0;
      });
    });
}
