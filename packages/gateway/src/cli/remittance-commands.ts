import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createGateway } from '../app.js';
import { isAmountMinorString } from '@opencashier/sdk';
import type { AmountMinor } from '../domain/money.js';
import { TRANSFER_OUTCOMES, isTransferOutcome } from '../domain/incoming-transfer.js';
import { transferJson } from '../onlinepay/remittance-admin-routes.js';

async function withGateway(task: (g: Awaited<ReturnType<typeof createGateway>>) => Promise<unknown>): Promise<void> {
  const gateway = await createGateway(loadConfig(), { migrate: false });
  try {
    console.log(JSON.stringify(await task(gateway)));
  } finally {
    await gateway.close();
  }
}

/** Offline remittance: record incoming bank transfers from the statement, and report them. */
export function remittanceCommands(program: Command): void {
  const remittance = program.command('remittance').description('offline bank remittance: incoming transfers');
  remittance
    .command('record')
    .description('record an incoming bank transfer; the exact amount pays the order its postscript names, anything else is held for review')
    .requiredOption('--bank-reference <reference>', "the bank's reference of the transfer (recording it again changes nothing)")
    .requiredOption('--postscript <text>', 'the postscript (附言) the payer wrote')
    .requiredOption('--amount <minorUnits>', 'amount in minor units, e.g. 1990 for 19.90 CNY')
    .requiredOption('--currency <code>', 'ISO 4217 code')
    .option('--payer-name <name>')
    .option('--payer-account <account>')
    .action(async (o: { bankReference: string; postscript: string; amount: string; currency: string; payerName?: string; payerAccount?: string }) => {
      if (!isAmountMinorString(o.amount) || o.amount === '0') throw new Error('--amount must be a positive whole number of minor units');
      await withGateway(async (g) => {
        const r = await g.remittances.record({
          bankReference: o.bankReference,
          postscript: o.postscript,
          amountMinor: BigInt(o.amount) as AmountMinor,
          currency: o.currency,
          ...(o.payerName ? { payerName: o.payerName } : {}),
          ...(o.payerAccount ? { payerAccount: o.payerAccount } : {}),
        });
        return { ...transferJson(r.transfer), replayed: r.replayed, ...(r.order ? { orderState: r.order.state, requestId: r.order.requestId } : {}) };
      });
    });
  remittance
    .command('list')
    .description('list recorded transfers, newest first')
    .option('--outcome <outcomes>', `comma-separated: ${TRANSFER_OUTCOMES.join(', ')}`)
    .action(async (o: { outcome?: string }) => {
      const outcomes = o.outcome?.split(',');
      if (outcomes?.some((x) => !isTransferOutcome(x))) throw new Error(`--outcome must be among ${TRANSFER_OUTCOMES.join(', ')}`);
      await withGateway(async (g) => (await g.remittances.list(outcomes?.filter(isTransferOutcome), 500)).map(transferJson));
    });
}
