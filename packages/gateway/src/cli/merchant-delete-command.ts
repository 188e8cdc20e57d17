import type { Command } from 'commander';
import { removeMerchantWithoutOrders } from '../store/merchant-removal.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../store/database.js';

const REFUSALS = {
  'not-found': (id: string) => `no merchant ${id}`,
  'has-orders': (id: string) => `merchant ${id} has taken orders: it cannot be deleted (suspend it instead: opencashier merchant suspend --id ${id})`,
  'has-records': (id: string) => `merchant ${id} has records beyond its set-up (audit entries, settlements): it was not deleted (suspend it instead)`,
} as const;

/** `merchant delete`: removes a merchant that never took an order (one made by mistake), with its set-up. */
export function merchantDeleteCommand(merchant: Command, fail: (message: string) => never): void {
  merchant
    .command('delete')
    .description('delete a merchant that never took an order, with its certificates, secrets and back-office users')
    .requiredOption('--id <merchantId>')
    .action(async (o: { id: string }) => {
      const config = loadConfig();
      const database = await openDatabase(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
      const outcome = await removeMerchantWithoutOrders(database.db, o.id).finally(() => database.close());
      if (!outcome.removed) fail(REFUSALS[outcome.reason](o.id));
      console.log(`merchant ${o.id} deleted`);
    });
}
