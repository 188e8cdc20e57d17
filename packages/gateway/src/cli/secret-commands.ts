import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { loadKek } from '../app.js';
import { openDatabase } from '../store/database.js';
import { MerchantRepository } from '../store/merchant-repository.js';
import { MerchantSecretRepository, type MerchantSecretKind } from '../store/merchant-secret-repository.js';
import { defaultAppId } from '../provisioning.js';
import { formMerchantAcctId } from '../protocols/form-gateway/merchant-account.js';

/** App ids are printable and short: they travel in every request and in signing strings. */
const APP_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

interface SecretCommandHelpers {
  fail(message: string): never;
  /** A rotation overlap from the command line, or the configured one. */
  overlapOf(value: string | undefined): number;
}

async function withSecrets<T>(task: (s: { merchants: MerchantRepository; secrets: MerchantSecretRepository }) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
  try {
    return await task({ merchants: new MerchantRepository(db.db), secrets: new MerchantSecretRepository(db.db, loadKek(config).kek) });
  } finally {
    await db.close();
  }
}

/**
 * Shared secrets of the MD5-signed dialects, managed like certificates: a
 * new secret for an existing app or account retires the previous one after
 * the overlap. The secret is printed once, here; the gateway keeps it sealed.
 */
export function secretCommands(program: Command, helpers: SecretCommandHelpers): void {
  const { fail, overlapOf } = helpers;
  const issue = async (merchantId: string, kind: MerchantSecretKind, keyId: string, overlapMs: number, mustExist: boolean) =>
    withSecrets(async ({ merchants, secrets }) => {
      if (!(await merchants.find(merchantId))) fail(`no merchant ${merchantId}`);
      const existing = await secrets.verifying(kind, keyId, Date.now());
      if (existing && existing.merchantId !== merchantId) fail(`${keyId} belongs to another merchant`);
      if (mustExist && !existing) fail(`no ${keyId} to rotate for merchant ${merchantId}; issue one first`);
      if (!mustExist && existing) fail(`${keyId} exists; rotate it instead`);
      const secret = await secrets.issue(merchantId, kind, keyId, Date.now(), overlapMs);
      return secret.reveal();
    });

  const app = program.command('app-secret').description('flat-JSON card API apps (appid) and their MD5 secrets');
  app
    .command('issue')
    .description('create an app for a merchant and print its secret (once)')
    .requiredOption('--merchant <merchantId>')
    .option('--app-id <appid>', 'the app id merchants send as appid (default: merchant id + app number)')
    .action(async (o: { merchant: string; appId?: string }) => {
      let appId = o.appId;
      if (appId === undefined) {
        const taken = await withSecrets(({ secrets }) => secrets.keyIds(o.merchant, 'global-json-app'));
        appId = defaultAppId(o.merchant, taken.length + 1);
      }
      if (!APP_ID_PATTERN.test(appId)) fail('--app-id: letters, digits, _ and -, at most 64');
      const secret = await issue(o.merchant, 'global-json-app', appId, 0, false);
      console.log(JSON.stringify({ mchid: o.merchant, appid: appId, secret }));
    });
  app
    .command('rotate')
    .description('issue a new secret for an app; the previous one keeps verifying during the overlap')
    .requiredOption('--merchant <merchantId>')
    .requiredOption('--app-id <appid>')
    .option('--overlap-ms <ms>', 'how long the previous secret keeps verifying (default: keyRotationOverlapMs)')
    .action(async (o: { merchant: string; appId: string; overlapMs?: string }) => {
      const overlapMs = overlapOf(o.overlapMs);
      const secret = await issue(o.merchant, 'global-json-app', o.appId, overlapMs, true);
      console.log(JSON.stringify({ mchid: o.merchant, appid: o.appId, secret, previousRetiresInMs: overlapMs }));
    });

  const form = program.command('form-key').description('RMB form gateway MD5 key of a merchant account (merchantAcctId)');
  for (const [name, mustExist] of [['issue', false], ['rotate', true]] as const) {
    const command = form
      .command(name)
      .description(mustExist ? 'issue a new MD5 key; the previous one keeps verifying during the overlap' : 'issue the MD5 key of the merchant account and print it (once)')
      .requiredOption('--merchant <merchantId>');
    if (mustExist) command.option('--overlap-ms <ms>', 'how long the previous key keeps verifying (default: keyRotationOverlapMs)');
    command.action(async (o: { merchant: string; overlapMs?: string }) => {
      const merchantAcctId = formMerchantAcctId(o.merchant);
      const overlapMs = mustExist ? overlapOf(o.overlapMs) : 0;
      const key = await issue(o.merchant, 'form-gateway-md5', merchantAcctId, overlapMs, mustExist);
      console.log(JSON.stringify({ merchantAcctId, key }));
    });
  }
  form
    .command('anti-replay')
    .description('require a fresh orderTimestamp (from /form-gateway/timestamp) in every order form of the merchant, or stop requiring it')
    .requiredOption('--merchant <merchantId>')
    .requiredOption('--set <on|off>')
    .action(async (o: { merchant: string; set: string }) => {
      if (o.set !== 'on' && o.set !== 'off') fail('--set must be on or off');
      await withSecrets(async ({ merchants }) => {
        if (!(await merchants.setFormAntiReplay(o.merchant, o.set === 'on'))) fail(`no merchant ${o.merchant}`);
      });
      console.log(JSON.stringify({ merchantAcctId: formMerchantAcctId(o.merchant), antiReplay: o.set }));
    });
}
