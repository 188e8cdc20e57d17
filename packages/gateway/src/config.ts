import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { FX_MARKUP_BPS_MAX, REFUND_STALE_MS, REQUEST_TIMEOUT_MS_MIN, STALE_PROCESSING_MS } from './domain/limits.js';
import { NOTIFY_LEASE_MARGIN_MS } from './notify/limits.js';
import { isTimeZone } from './domain/business-day.js';
import { parseReviewRules } from './fx/fx-order.js';
import { JOB_LEASE_MS_DEFAULT, JOB_LEASE_MS_MIN } from './jobs/limits.js';
import { logLevelProblem } from './ops/startup-advice.js';
import { baseUrlProblem, databaseUrlProblem, hostProblem, unknownVariables } from './config-checks.js';

/**
 * Configuration: defaults, then a JSON file, then environment variables
 * (the last one wins). Every key is documented in docs/configuration.md and
 * a test keeps the two in step.
 */
export interface GatewayConfig {
  /** TCP port of the HTTP server. */
  port: number;
  /** Address to listen on. */
  host: string;
  /** The URL merchants and payers reach the gateway at; cashier links are built from it. */
  publicBaseUrl: string;
  /** Where keys, the SQLite database and the demo merchant's files live. */
  dataDir: string;
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path. Default: `<dataDir>/opencashier.sqlite`. */
  databaseUrl: string;
  /** How long a starting node keeps trying an unreachable database (refused, restarting, failing over) before it gives up. */
  databaseStartWaitMs: number;
  /** SQLite `synchronous` setting: NORMAL survives process crashes, FULL also power loss. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
  /** Base64 of 32 bytes. Unset: generated into `<dataDir>/kek` on first start (development only). */
  kekBase64: string | undefined;
  /** Comma-separated base64 keys that were the KEK before a rotation: they open what they sealed until `opencashier kek rotate` has re-wrapped it. */
  kekPreviousBase64: string | undefined;
  /** HTTP worker processes; 0 means one per core. */
  workers: number;
  /**
   * Threads per process for the envelope's RSA work; 0 runs it on the event
   * loop. With SQLite, one process with a thread per core beats several
   * processes contending for the database's write lock.
   */
  cryptoThreads: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Create the demo sandbox merchant and its key files on first start, and serve its demo shop at `/demo`. */
  demoMerchant: boolean;
  demoMerchantId: string;
  /** `production` marks a live install: the demo merchant must be off and the sandbox commands refuse to run. */
  environment: 'development' | 'production';
  /** How long an `unknown` sandbox outcome stays unknown. */
  sandboxUnknownResolveDelayMs: number;
  /** How long after the payment the sandbox opens the case of the chargeback and retrieval magic cards. */
  sandboxDisputeDelayMs: number;
  /** File where the sandbox card acquirer appends every authorisation and refund it answers (its own book); unset: it keeps none. */
  sandboxJournalFile: string | undefined;
  /** How old a payment left PROCESSING (its process stopped mid-authorisation) must be before recovery asks the channel. */
  staleProcessingMs: number;
  /** How old a refund left PROCESSING must be before it is sent to the channel again. */
  refundStaleMs: number;
  /** Slack of a notification lease over the worst-case time of a claimed batch. */
  notifyLeaseMarginMs: number;
  notifyPollIntervalMs: number;
  notifyRequestTimeoutMs: number;
  notifyConcurrency: number;
  /** How long a rotated key or certificate keeps working beside its successor. */
  keyRotationOverlapMs: number;
  /** Requests per minute per client address; 0 disables the limit. */
  rateLimitPerMinute: number;
  /**
   * How long a client may take to send a whole request, headers and body:
   * a body dripped a byte at a time is cut off (408) instead of holding a
   * connection and its buffer for ever.
   */
  requestTimeoutMs: number;
  /** Authenticated requests per minute per merchant (per process); 0 disables the limit. */
  merchantRateLimitPerMinute: number;
  /** How long a background job's lease lasts without renewal: how soon another process takes a job over after its holder died. */
  jobLeaseMs: number;
  /** Bearer token of the operator admin API (`/admin/v1`). Unset: generated into `<dataDir>/admin-token` on first start. */
  adminToken: string | undefined;
  /** Bearer token a Prometheus scrape of `/metrics` must present. Unset: generated into `<dataDir>/metrics-token` on first start. */
  metricsToken: string | undefined;
  /** Risk rule file (JSON) put in force at start when it changed; `opencashier risk rules reload` and the admin API reload it. Unset: the rules loaded before, or the built-in ones. */
  riskRulesFile: string | undefined;
  /** CSV of card BIN prefixes and issuing countries (`bin,country`). Unset: the small shipped sample. */
  riskBinTableFile: string | undefined;
  /** CSV of IP ranges and countries (`cidr,country`). Unset: the small shipped sample. */
  riskIpTableFile: string | undefined;
  /** JSON rate table read (and re-read when replaced) at run time. Default: `<dataDir>/fx-rates.json`; without the file the bundled starter table answers. */
  fxRateFile: string | undefined;
  /** How long a rate locked by `foreignExchange/listpriceLock` holds. */
  fxLockMinutes: number;
  /** FX markup in basis points for merchants without their own (admin API). */
  fxMarkupBps: number;
  /** Which FX orders wait for proof review: JSON `{"<forUse>" or "*": "<CNY minor units from which review is needed>"}`. */
  fxReviewRules: string;
  /** IANA time zone of business days (reconciliation files, settlement batches). */
  timeZone: string;
  /** Local time (HH:mm) from which the previous day's reconciliation file is ready. */
  reconciliationReadyTime: string;
  /** Settlement cycle T+n: a business day's movements settle n days later (per merchant override in the admin API). */
  settlementDelayDays: number;
}

export const DEFAULTS: Omit<GatewayConfig, 'databaseUrl' | 'publicBaseUrl'> & { databaseUrl?: string; publicBaseUrl?: string } = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  sqliteSynchronous: 'NORMAL',
  kekBase64: undefined,
  kekPreviousBase64: undefined,
  workers: 1,
  cryptoThreads: 0,
  logLevel: 'info',
  demoMerchant: true,
  demoMerchantId: '100000001',
  environment: 'development',
  databaseStartWaitMs: 60_000,
  sandboxUnknownResolveDelayMs: 3_000,
  sandboxDisputeDelayMs: 30_000,
  sandboxJournalFile: undefined,
  staleProcessingMs: STALE_PROCESSING_MS,
  refundStaleMs: REFUND_STALE_MS,
  notifyLeaseMarginMs: NOTIFY_LEASE_MARGIN_MS,
  notifyPollIntervalMs: 1_000,
  notifyRequestTimeoutMs: 10_000,
  notifyConcurrency: 8,
  keyRotationOverlapMs: 7 * 24 * 3_600_000,
  rateLimitPerMinute: 6_000,
  requestTimeoutMs: 30_000,
  merchantRateLimitPerMinute: 30_000,
  jobLeaseMs: JOB_LEASE_MS_DEFAULT,
  adminToken: undefined,
  metricsToken: undefined,
  riskRulesFile: undefined,
  riskBinTableFile: undefined,
  riskIpTableFile: undefined,
  fxRateFile: undefined,
  fxLockMinutes: 30,
  fxMarkupBps: 0,
  fxReviewRules: '{"*":"1000000"}',
  timeZone: 'Asia/Shanghai',
  reconciliationReadyTime: '06:00',
  settlementDelayDays: 1,
};

/** Environment variable → config key. */
export const ENV_VARS: Readonly<Record<string, keyof GatewayConfig>> = {
  PORT: 'port',
  HOST: 'host',
  OPENCASHIER_PUBLIC_BASE_URL: 'publicBaseUrl',
  OPENCASHIER_DATA_DIR: 'dataDir',
  OPENCASHIER_DATABASE_URL: 'databaseUrl',
  OPENCASHIER_SQLITE_SYNCHRONOUS: 'sqliteSynchronous',
  OPENCASHIER_DATABASE_START_WAIT_MS: 'databaseStartWaitMs',
  OPENCASHIER_KEK: 'kekBase64',
  OPENCASHIER_KEK_PREVIOUS: 'kekPreviousBase64',
  OPENCASHIER_WORKERS: 'workers',
  OPENCASHIER_CRYPTO_THREADS: 'cryptoThreads',
  OPENCASHIER_LOG_LEVEL: 'logLevel',
  OPENCASHIER_DEMO_MERCHANT: 'demoMerchant',
  OPENCASHIER_DEMO_MERCHANT_ID: 'demoMerchantId',
  OPENCASHIER_ENVIRONMENT: 'environment',
  OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: 'sandboxUnknownResolveDelayMs',
  OPENCASHIER_SANDBOX_DISPUTE_DELAY_MS: 'sandboxDisputeDelayMs',
  OPENCASHIER_SANDBOX_JOURNAL_FILE: 'sandboxJournalFile',
  OPENCASHIER_STALE_PROCESSING_MS: 'staleProcessingMs',
  OPENCASHIER_REFUND_STALE_MS: 'refundStaleMs',
  OPENCASHIER_NOTIFY_LEASE_MARGIN_MS: 'notifyLeaseMarginMs',
  OPENCASHIER_NOTIFY_POLL_INTERVAL_MS: 'notifyPollIntervalMs',
  OPENCASHIER_NOTIFY_REQUEST_TIMEOUT_MS: 'notifyRequestTimeoutMs',
  OPENCASHIER_NOTIFY_CONCURRENCY: 'notifyConcurrency',
  OPENCASHIER_KEY_ROTATION_OVERLAP_MS: 'keyRotationOverlapMs',
  OPENCASHIER_RATE_LIMIT_PER_MINUTE: 'rateLimitPerMinute',
  OPENCASHIER_REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  OPENCASHIER_MERCHANT_RATE_LIMIT_PER_MINUTE: 'merchantRateLimitPerMinute',
  OPENCASHIER_JOB_LEASE_MS: 'jobLeaseMs',
  OPENCASHIER_ADMIN_TOKEN: 'adminToken',
  OPENCASHIER_METRICS_TOKEN: 'metricsToken',
  OPENCASHIER_RISK_RULES_FILE: 'riskRulesFile',
  OPENCASHIER_RISK_BIN_TABLE_FILE: 'riskBinTableFile',
  OPENCASHIER_RISK_IP_TABLE_FILE: 'riskIpTableFile',
  OPENCASHIER_FX_RATE_FILE: 'fxRateFile',
  OPENCASHIER_FX_LOCK_MINUTES: 'fxLockMinutes',
  OPENCASHIER_FX_MARKUP_BPS: 'fxMarkupBps',
  OPENCASHIER_FX_REVIEW_RULES: 'fxReviewRules',
  OPENCASHIER_TIME_ZONE: 'timeZone',
  OPENCASHIER_RECONCILIATION_READY_TIME: 'reconciliationReadyTime',
  OPENCASHIER_SETTLEMENT_DELAY_DAYS: 'settlementDelayDays',
};

const NUMERIC: ReadonlySet<keyof GatewayConfig> = new Set([
  'port',
  'workers',
  'cryptoThreads',
  'sandboxUnknownResolveDelayMs',
  'sandboxDisputeDelayMs',
  'staleProcessingMs',
  'refundStaleMs',
  'notifyLeaseMarginMs',
  'notifyPollIntervalMs',
  'notifyRequestTimeoutMs',
  'notifyConcurrency',
  'keyRotationOverlapMs',
  'rateLimitPerMinute',
  'requestTimeoutMs',
  'merchantRateLimitPerMinute',
  'fxLockMinutes',
  'fxMarkupBps',
  'settlementDelayDays',
  'jobLeaseMs',
  'databaseStartWaitMs',
]);

export class ConfigError extends Error {}

function coerce(key: keyof GatewayConfig, value: unknown): unknown {
  if (NUMERIC.has(key)) {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`${key} must be a non-negative integer, got ${String(value)}`);
    return n;
  }
  if (key === 'demoMerchant') return value === true || value === 'true' || value === '1';
  return value;
}

/** Reads the config. `file` defaults to `$OPENCASHIER_CONFIG` or `./opencashier.config.json` when it exists. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, file?: string): GatewayConfig {
  const merged: Record<string, unknown> = { ...DEFAULTS };
  const path = file ?? env.OPENCASHIER_CONFIG ?? (existsSync('opencashier.config.json') ? 'opencashier.config.json' : undefined);
  if (path) {
    const fromFile = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(fromFile)) {
      if (!(k in DEFAULTS) && k !== 'databaseUrl' && k !== 'publicBaseUrl') throw new ConfigError(`unknown config key ${k} in ${path}`);
      merged[k] = coerce(k as keyof GatewayConfig, v);
    }
  }
  for (const [name, key] of Object.entries(ENV_VARS)) {
    const v = env[name];
    if (v !== undefined && v !== '') merged[key] = coerce(key, v);
  }
  const unknown = unknownVariables(env, Object.keys(ENV_VARS));
  if (unknown.length > 0) throw new ConfigError(unknown.join('\n'));
  const config = merged as unknown as GatewayConfig;
  if (config.port > 65_535) throw new ConfigError('port must be at most 65535');
  if (!/^[0-9]{9}$/.test(config.demoMerchantId)) throw new ConfigError('demoMerchantId must be 9 digits');
  if (!['development', 'production'].includes(config.environment)) throw new ConfigError('environment must be development or production');
  if (config.environment === 'production' && config.demoMerchant) throw new ConfigError('environment is production but demoMerchant is on: set OPENCASHIER_DEMO_MERCHANT=false (a live install has no demo merchant)');
  if (config.requestTimeoutMs < REQUEST_TIMEOUT_MS_MIN) throw new ConfigError(`requestTimeoutMs must be at least ${REQUEST_TIMEOUT_MS_MIN}`);
  if (config.staleProcessingMs < 1_000) throw new ConfigError('staleProcessingMs must be at least 1000');
  if (config.refundStaleMs < 1_000) throw new ConfigError('refundStaleMs must be at least 1000');
  if (config.notifyLeaseMarginMs < 1_000) throw new ConfigError('notifyLeaseMarginMs must be at least 1000');
  if (config.jobLeaseMs < JOB_LEASE_MS_MIN) throw new ConfigError(`jobLeaseMs must be at least ${JOB_LEASE_MS_MIN}`);
  const logLevel = logLevelProblem(config.logLevel);
  if (logLevel) throw new ConfigError(logLevel);
  if (!['NORMAL', 'FULL'].includes(config.sqliteSynchronous)) throw new ConfigError('sqliteSynchronous must be NORMAL or FULL');
  if (config.fxLockMinutes < 1 || config.fxLockMinutes > 24 * 60) throw new ConfigError('fxLockMinutes must be from 1 to 1440');
  if (config.fxMarkupBps > FX_MARKUP_BPS_MAX) throw new ConfigError(`fxMarkupBps must be at most ${FX_MARKUP_BPS_MAX}`);
  if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(config.reconciliationReadyTime)) throw new ConfigError('reconciliationReadyTime must be HH:mm');
  if (!isTimeZone(config.timeZone)) throw new ConfigError(`timeZone ${config.timeZone} is not an IANA time zone`);
  try {
    parseReviewRules(config.fxReviewRules);
  } catch (error) {
    throw new ConfigError(`fxReviewRules: ${error instanceof Error ? error.message : String(error)}`);
  }
  config.dataDir = resolve(config.dataDir);
  if (config.sandboxJournalFile) config.sandboxJournalFile = resolve(config.sandboxJournalFile);
  config.fxRateFile = resolve(config.fxRateFile ?? join(config.dataDir, 'fx-rates.json'));
  config.databaseUrl ??= join(config.dataDir, 'opencashier.sqlite');
  config.publicBaseUrl ??= `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`;
  config.publicBaseUrl = config.publicBaseUrl.replace(/\/+$/, '');
  for (const problem of [hostProblem(config.host), baseUrlProblem(config.publicBaseUrl), databaseUrlProblem(config.databaseUrl)]) if (problem) throw new ConfigError(problem);
  if (config.workers === 0) config.workers = availableParallelism();
  return config;
}

/** How the gateway reaches itself on this machine (the demo shop's API calls and notifications). */
export function loopbackBaseUrl(config: Pick<GatewayConfig, 'host' | 'port'>): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}
