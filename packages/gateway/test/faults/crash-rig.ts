/**
 * The crash suite's rig: the built gateway as a child process with recovery
 * timings shortened (so a short run settles in seconds), the sandbox
 * acquirer keeping its own book, a notify receiver, and a read-only view of
 * the store for the final checks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PayEaseClient } from '@opencashier/sdk';
import { openDatabase, type OpenedDatabase } from '../../src/store/database.js';
import { freePort } from '../harness.js';
import { GatewayProcess } from '../restart/gateway-process.js';
import { startRecordingMerchant, type RecordingMerchant } from '../multi-node/recording-merchant.js';
import { freshTestDatabase, type FreshDatabase } from '../../src/test-support/test-database.js';

/**
 * Recovery timings of the rig. The sandbox answers in-process within
 * milliseconds, so a payment still PROCESSING after 5 s was interrupted by a
 * kill; notifications are sent with a 1 s timeout, 50 at a time, so a lease
 * of 1 s + 2 s margin covers a whole batch; job leases of 2 s hand the
 * recovery jobs to the restarted process quickly.
 */
export const RIG_ENV = {
  OPENCASHIER_LOG_LEVEL: 'warn',
  OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0',
  OPENCASHIER_MERCHANT_RATE_LIMIT_PER_MINUTE: '0',
  OPENCASHIER_NOTIFY_POLL_INTERVAL_MS: '100',
  OPENCASHIER_NOTIFY_REQUEST_TIMEOUT_MS: '1000',
  OPENCASHIER_NOTIFY_CONCURRENCY: '50',
  OPENCASHIER_NOTIFY_LEASE_MARGIN_MS: '2000',
  OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: '300',
  OPENCASHIER_STALE_PROCESSING_MS: '5000',
  OPENCASHIER_REFUND_STALE_MS: '3000',
  OPENCASHIER_JOB_LEASE_MS: '2000',
} as const;

/** A start is migrations, keys and the demo merchant's check: seconds at most, but the long run restarts hundreds of times on a machine that may be busy. */
const RESTART_WAIT_MS_MAX = 120_000;

export interface CrashRig {
  gateway: GatewayProcess;
  client: PayEaseClient;
  merchant: RecordingMerchant;
  merchantId: string;
  journalFile: string;
  databaseUrl: string;
  /** A connection of the test's own to the gateway's store (reads only). */
  openStore(): Promise<OpenedDatabase>;
  close(): Promise<void>;
}

export async function startCrashRig(): Promise<CrashRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-crash-'));
  let database: FreshDatabase | undefined;
  let gateway: GatewayProcess | undefined;
  let merchant: RecordingMerchant | undefined;
  const close = async () => {
    await gateway?.stop();
    await merchant?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    database = await freshTestDatabase(dataDir);
    const port = await freePort();
    const journalFile = join(dataDir, 'sandbox-acquirer.ndjson');
    gateway = new GatewayProcess(
      {
        ...RIG_ENV,
        OPENCASHIER_DATA_DIR: dataDir,
        OPENCASHIER_DATABASE_URL: database.url,
        OPENCASHIER_KEK: randomBytes(32).toString('base64'),
        OPENCASHIER_SANDBOX_JOURNAL_FILE: journalFile,
        PORT: String(port),
        HOST: '127.0.0.1',
        OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      },
      dataDir,
      RESTART_WAIT_MS_MAX,
    );
    await gateway.start();
    const info = JSON.parse(readFileSync(join(dataDir, 'demo-merchant', 'merchant.json'), 'utf8')) as {
      merchantId: string;
      pfxPath: string;
      pfxPassword: string;
      gatewayCertPath: string;
      baseUrl: string;
    };
    const client = new PayEaseClient({
      merchantId: info.merchantId,
      pfx: readFileSync(info.pfxPath),
      pfxPassword: info.pfxPassword,
      gatewayCertificate: readFileSync(info.gatewayCertPath),
      baseUrl: info.baseUrl,
      timeoutMs: 15_000,
    });
    merchant = await startRecordingMerchant(client, { holdMs: 0 });
    const url = database.url;
    return {
      gateway,
      client,
      merchant,
      merchantId: info.merchantId,
      journalFile,
      databaseUrl: url,
      openStore: () => openDatabase(url, { migrate: false }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
