import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { loadKek } from '../app.js';
import { openDatabase } from '../store/database.js';
import { AccountService } from '../portal/account-service.js';
import { generatePassword } from '../portal/password.js';
import { MERCHANT_ROLES, OPERATOR_ROLES, type UserKind } from '../portal/roles.js';

/** The CLI acts as the host's administrator: its audit entries say so. */
const CLI_ACTOR = { userId: null, email: 'cli', clientIp: null };

async function withAccounts<T>(task: (accounts: AccountService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl, { migrate: true, sqliteSynchronous: config.sqliteSynchronous });
  try {
    return await task(new AccountService(db.db, loadKek(config).kek, Date.now));
  } finally {
    await db.close();
  }
}

/** `opencashier portal-user …`: the first operator (and any user) from the host, with a one-time password printed once. */
export function portalCommands(program: Command): void {
  const users = program.command('portal-user').description('back-office users');
  users
    .command('create')
    .description('create a back-office user; prints a temporary password to change at first log-in')
    .requiredOption('--email <email>')
    .requiredOption('--kind <kind>', 'operator or merchant')
    .requiredOption('--role <role>', `operator: ${OPERATOR_ROLES.join('|')}; merchant: ${MERCHANT_ROLES.join('|')}`)
    .option('--merchant <merchantId>', 'the merchant of a merchant user')
    .action(async (o: { email: string; kind: string; role: string; merchant?: string }) => {
      if (o.kind !== 'operator' && o.kind !== 'merchant') throw new Error('--kind must be operator or merchant');
      if (o.kind === 'merchant' && !o.merchant) throw new Error('a merchant user needs --merchant');
      const password = generatePassword();
      await withAccounts(async (accounts) => {
        const user = await accounts.createUser(
          { email: o.email, password, kind: o.kind as UserKind, merchantId: o.kind === 'merchant' ? (o.merchant ?? '') : null, role: o.role, mustChangePassword: true },
          CLI_ACTOR,
        );
        console.log(JSON.stringify({ user, temporaryPassword: password }, null, 2));
      });
    });
  users
    .command('reset-password')
    .description('set a new temporary password and lift a lock-out')
    .requiredOption('--email <email>')
    .action(async (o: { email: string }) => {
      const password = generatePassword();
      await withAccounts(async (accounts) => {
        const user = await accounts.users.findByEmail(o.email);
        if (!user) throw new Error(`no user ${o.email}`);
        await accounts.resetPassword(user.userId, password, CLI_ACTOR);
        console.log(JSON.stringify({ email: user.email, temporaryPassword: password }, null, 2));
      });
    });
}
