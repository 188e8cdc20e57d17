#!/usr/bin/env node
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadCertificate } from '@opencashier/sdk';
import { loadConfig } from '../config.js';
import { startServer } from '../server.js';
import { openDatabase } from '../store/database.js';
import { MerchantRepository } from '../store/merchant-repository.js';
import { NotificationRepository } from '../store/notification-repository.js';
import { ensureDemoMerchant, writeKeyBundle } from '../provisioning.js';
import { loadKek } from '../app.js';
import { loadOrCreateGatewayKeys, rotateGatewayKey, gatewayCertificatePath } from '../keys/gateway-keys.js';
import { sandboxCommands } from './sandbox-commands.js';
import { secretCommands } from './secret-commands.js';
import { MerchantSecretRepository } from '../store/merchant-secret-repository.js';
import { disputeCommands } from './dispute-commands.js';
import { riskCommands } from './risk-commands.js';
import { crossBorderCommands } from './cross-border-commands.js';
import { remittanceCommands } from './remittance-commands.js';
import { portalCommands } from './portal-commands.js';
import { kekCommands } from './kek-commands.js';
import { settlementCommands } from './settlement-commands.js';
import { addExamples, applyConventions } from './conventions.js';
import { listenOptions, startOptionsToEnv } from './start-options.js';
import { reportFailure } from './report-failure.js';
import { runningGateway } from '../ops/gateway-lock.js';
import { EXIT } from './exit-codes.js';
import { errorLine } from './terminal.js';
import { PRIVATE_UMASK } from '../ops/file-modes.js';

// Exports, key files and the database the commands write are for this user only.
process.umask(PRIVATE_UMASK);

/** Opens (and migrates) the configured database; the data directory holding the default SQLite file is made on first use. */
function openConfiguredDatabase(config: ReturnType<typeof loadConfig>) {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return openDatabase(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
}
import { createMerchant, type IssuedFiles, type MerchantCreateOptions } from './merchant-create.js';
import { merchantDeleteCommand } from './merchant-delete-command.js';
import { guardSandboxCommands } from './sandbox-guard.js';
import { configCommands } from './config-commands.js';
import { migrateCommands } from './migrate-commands.js';

/** Runs `task` with the configured database open. */
export async function withStore<T>(task: (s: { merchants: MerchantRepository; notifications: NotificationRepository; db: Awaited<ReturnType<typeof openDatabase>> }) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openConfiguredDatabase(config);
  try {
    return await task({ merchants: new MerchantRepository(db.db), notifications: new NotificationRepository(db.db, db.dialect), db });
  } finally {
    await db.close();
  }
}

function fail(message: string): never {
  console.error(errorLine(message));
  process.exit(EXIT.usage);
}

/** A rotation overlap from the command line, or the configured one. */
function overlapOf(value: string | undefined): number {
  if (value === undefined) return loadConfig().keyRotationOverlapMs;
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms < 0) fail('--overlap-ms must be a whole number of milliseconds');
  return ms;
}

export const program = new Command('opencashier').description('OpenCashier payment gateway operator commands');
applyConventions(program);

listenOptions(
  program.command('start').description('start the gateway (migrations, gateway key and demo merchant are created on first start)'),
).action(async (o: { port?: string; host?: string }) => {
  startOptionsToEnv(o);
  await startServer(loadConfig());
});

const migrate = program
  .command('migrate')
  .description('apply database migrations (see also: migrate status, migrate up --dry-run)')
  .action(async () => {
    const db = await openConfiguredDatabase(loadConfig());
    await db.close();
    console.log('migrations applied');
  });
migrateCommands(migrate, fail);

const merchant = program.command('merchant').description('manage merchants');
merchant
  .command('create')
  .requiredOption('--id <merchantId>', '9-digit merchant id')
  .requiredOption('--name <name>', 'display name on the cashier')
  .option('--sandbox', 'sandbox merchant (test helpers, private notify addresses allowed)', false)
  .option('--allowed-hosts <hosts>', 'comma-separated hosts allowed in notifyUrl/callbackUrl (*.example.com, or *)', '')
  .option('--cert <file>', 'merchant certificate (.cer, DER or PEM)')
  .option('--issue-keys <dir>', 'generate a key pair: writes <id>.pfx, <id>.cer, gateway.cer and the bundle <id>.json (for PayEaseClient.fromFiles) into dir')
  .action(async (o: MerchantCreateOptions) => {
    const config = loadConfig();
    const bundle = (dir: string, files: IssuedFiles) => {
      loadOrCreateGatewayKeys(config.dataDir, loadKek(config).kek, Date.now());
      const baseUrl = runningGateway(config.dataDir)?.baseUrl ?? config.publicBaseUrl;
      return writeKeyBundle(dir, o.id, files, gatewayCertificatePath(config.dataDir), baseUrl);
    };
    await withStore(async ({ merchants }) => console.log(await createMerchant(merchants, o, fail, bundle)));
  });
merchantDeleteCommand(merchant, fail);
merchant
  .command('upload-cert')
  .requiredOption('--id <merchantId>')
  .requiredOption('--cert <file>', '.cer file, DER or PEM')
  .option('--overlap-ms <ms>', 'how long the previous certificate keeps verifying (default: keyRotationOverlapMs)')
  .action(async (o: { id: string; cert: string; overlapMs?: string }) => {
    const overlapMs = overlapOf(o.overlapMs);
    await withStore(async ({ merchants }) => {
      if (!(await merchants.find(o.id))) fail(`no merchant ${o.id}`);
      const cert = await merchants.addCertificate(o.id, loadCertificate(readFileSync(o.cert)), Date.now(), overlapMs);
      console.log(`certificate ${cert.fingerprintSha256} added; previous certificates retire in ${overlapMs} ms`);
    });
  });
for (const [name, status] of [
  ['suspend', 'suspended'],
  ['activate', 'active'],
] as const) {
  merchant
    .command(name)
    .requiredOption('--id <merchantId>')
    .action(async (o: { id: string }) => {
      await withStore(async ({ merchants }) => {
        if (!(await merchants.setStatus(o.id, status))) fail(`no merchant ${o.id}`);
        console.log(`merchant ${o.id} ${status}`);
      });
    });
}
merchant
  .command('list')
  .action(async () => {
    await withStore(async ({ merchants }) => console.log(JSON.stringify(await merchants.list(), null, 2)));
  });

program
  .command('rotate-gateway-key')
  .description('make a new gateway key; the previous one keeps opening requests during the overlap')
  .option('--overlap-ms <ms>', 'how long the previous key keeps opening requests (default: keyRotationOverlapMs)')
  .action((o: { overlapMs?: string }) => {
    const config = loadConfig();
    const ring = rotateGatewayKey(config.dataDir, loadKek(config).kek, Date.now(), overlapOf(o.overlapMs));
    console.log(`new gateway key ${ring.current.id}; certificate at ${gatewayCertificatePath(config.dataDir)} (restart the gateway to use it)`);
  });

program
  .command('resend-notification')
  .description('queue a notification again now')
  .option('--notification <id>')
  .option('--order <serialNumber>', 'resend the latest notification of an order')
  .action(async (o: { notification?: string; order?: string }) => {
    await withStore(async ({ notifications }) => {
      let id = o.notification;
      if (!id && o.order) id = (await notifications.forOrder(o.order)).at(-1)?.id;
      if (!id) fail('no such notification');
      if (!(await notifications.resend(id, Date.now()))) fail(`no notification ${id}`);
      console.log(`notification ${id} queued`);
    });
  });

const sandbox = program.command('sandbox').description('sandbox helpers');
sandbox
  .command('merchant')
  .description('details of the demo sandbox merchant')
  .option('--json', 'print JSON {merchantId, pfxPath, pfxPassword, gatewayCertPath, baseUrl}', false)
  .action(async (o: { json: boolean }) => {
    const config = loadConfig();
    // The JSON names the gateway certificate: make sure it exists even before the first start.
    loadOrCreateGatewayKeys(config.dataDir, loadKek(config).kek, Date.now());
    await withStore(async ({ merchants, db }) => {
      const { info: stored } = await ensureDemoMerchant(config, merchants, Date.now(), new MerchantSecretRepository(db.db, loadKek(config).kek));
      // A gateway running on this data directory may listen elsewhere than this shell's PORT says: clients must reach it.
      const info = { ...stored, baseUrl: runningGateway(config.dataDir)?.baseUrl ?? stored.baseUrl };
      console.log(o.json ? JSON.stringify(info) : `merchant ${info.merchantId}\npfx ${info.pfxPath} (password ${info.pfxPassword})\ngateway certificate ${info.gatewayCertPath}\nbase URL ${info.baseUrl}`);
    });
  });
sandboxCommands(sandbox);
guardSandboxCommands(sandbox, fail);
secretCommands(program, { fail, overlapOf });
disputeCommands(program);
riskCommands(program);
crossBorderCommands(program);
remittanceCommands(program);
portalCommands(program);
kekCommands(program);
settlementCommands(program);
configCommands(program, fail);
addExamples(program);

/** Runs the command line; the launcher in bin/ calls it, and so does running this file directly. */
export function run(argv: readonly string[]): void {
  program.parseAsync([...argv]).catch(reportFailure);
}

// Imported (by the launcher or a test), it only builds the command tree.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) run(process.argv);
