import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createGateway } from '../app.js';
import { isBusinessDate } from '../domain/business-day.js';
import { GatewayError } from '../domain/errors.js';
import { batchView } from '../settlement/batch-view.js';
import { EXIT } from './exit-codes.js';
import { errorLine, progress } from './terminal.js';

type BatchView = ReturnType<typeof batchView>;

function refuse(message: string): never {
  console.error(errorLine(message));
  process.exit(EXIT.usage);
}

function textOf(views: readonly BatchView[]): string {
  const head = ['merchant', 'date', 'captured', 'refunded', 'chargebacks', 'fees', 'net CNY', 'lines', ''];
  const rows = views.map((v) => [v.merchantId, v.businessDate, v.captured, v.refunded, v.chargebacks, v.fees, v.net, String(v.lineCount), v.provisional ? '(so far today)' : '']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/**
 * `opencashier settlement run`: builds the settlement batches of a business
 * day, as the nightly job does once the day closed. A sandbox merchant's
 * day can be settled before it ends (`--date today`), to try settlement on
 * the first day (docs/fx-and-settlement.md).
 */
export function settlementCommands(program: Command): void {
  const settlement = program.command('settlement').description('settlement batches and statements');
  settlement
    .command('run')
    .description("settle a business day: every merchant with movements that day, or one; a sandbox merchant's day also before it closed")
    .requiredOption('--date <date>', 'YYYY-MM-DD, today or yesterday (business time zone)')
    .option('--merchant <merchantId>', 'only this merchant')
    .option('--json', 'print the batches as JSON', false)
    .action(async (o: { date: string; merchant?: string; json: boolean }) => {
      const gateway = await createGateway(loadConfig(), { migrate: false });
      try {
        const service = gateway.crossBorder.settlements;
        const date = service.resolveDate(o.date);
        if (!isBusinessDate(date)) refuse(`--date must be YYYY-MM-DD, today or yesterday, got ${o.date}`);
        const ids = o.merchant ? [o.merchant] : await service.merchantsOf(date);
        const views: BatchView[] = [];
        for (const [index, merchantId] of ids.entries()) {
          const merchant = await gateway.merchants.find(merchantId);
          if (!merchant) refuse(`no merchant ${merchantId}`);
          progress(`settling ${merchantId} for ${date} (${index + 1} of ${ids.length})`);
          try {
            const batch = await service.settleSandboxDay(merchant, date);
            if (batch) views.push(batchView(batch, service.provisional(batch)));
          } catch (error) {
            // A whole-day run settles the sandbox merchants of a day not yet over and leaves the others to the nightly job.
            if (!(error instanceof GatewayError && error.code === 'SETTLEMENT_DAY_OPEN' && !o.merchant)) throw error;
            progress(`skipped ${merchantId}: ${error.message}`);
          }
        }
        if (o.merchant && views.length === 0) refuse(`merchant ${o.merchant} has no movements on ${date}`);
        progress(`${views.length} batch${views.length === 1 ? '' : 'es'} for ${date}`);
        console.log(o.json ? JSON.stringify(views, null, 2) : textOf(views));
      } catch (error) {
        if (error instanceof GatewayError) refuse(`${error.code}: ${error.message}`);
        throw error;
      } finally {
        await gateway.close();
      }
    });
}
