/**
 * `npm run bench:reconciliation`: generates one merchant's reconciliation
 * file for a day of BENCH_RECON_ROWS payments (default 1,000,000; a fifth
 * in USD with a capture rate, the rest in CNY) from a fresh SQLite
 * database, signing it as it streams, and reports the time, the rate and
 * the peak memory — beside the floor measured in the same run on the same
 * data: the bare read of the same rows (better-sqlite3, arrays, nothing
 * formatted) plus SHA-256 over as many bytes as the file has. Writes the
 * results section of docs/benchmarks.md unless BENCH_WRITE_DOCS=0. Not a
 * test: nothing asserts a time.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash, generateKeyPairSync } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../store/database.js';
import { FxQuoteRepository } from '../store/fx-quote-repository.js';
import { ReconciliationRepository } from '../store/reconciliation-repository.js';
import { reconciliationChunks, signChunks } from '../reconciliation/reconciliation-file.js';
import { dayBoundsMs } from '../domain/business-day.js';

const ROWS = Number(process.env.BENCH_RECON_ROWS ?? 1_000_000);
const INSERT_BATCH = 500;
const MERCHANT = '100000001';
const DATE = '2026-11-21';
const TIME_ZONE = 'Asia/Shanghai';
const DOC_PATH = fileURLToPath(new URL('../../../../docs/benchmarks.md', import.meta.url));
export const RECON_RESULTS_START = '<!-- bench-reconciliation:start (written by `npm run bench:reconciliation`; edit the prose outside these markers) -->';
export const RECON_RESULTS_END = '<!-- bench-reconciliation:end -->';

/**
 * The floor: the same day's payment rows read with a bare prepared
 * statement on a second connection (the query the file makes, its index,
 * rows as arrays, nothing formatted), and SHA-256 over `bytes` bytes (the
 * signature's digest). No generator reading this database can do better.
 */
function measureFloor(file: string, fromMs: number, toMs: number, bytes: number): { readSeconds: number; hashSeconds: number; cpuSeconds: number; rows: number } {
  const sqlite = new BetterSqlite3(file, { readonly: true });
  sqlite.defaultSafeIntegers(true);
  try {
    const read = sqlite
      .prepare(
        `select order_id, request_id, product, currency, amount_minor, fee_minor, state, created_at_ms, completed_at_ms, channel from orders
         where merchant_id = ? and completed_at_ms >= ? and completed_at_ms < ? and state in ('SUCCESS', 'FAILED') order by completed_at_ms, order_id`,
      )
      .raw(true);
    const cpuStarted = process.cpuUsage();
    const readStarted = performance.now();
    let rows = 0;
    for (const _row of read.iterate(MERCHANT, BigInt(fromMs), BigInt(toMs))) rows += 1;
    const readSeconds = (performance.now() - readStarted) / 1000;
    const block = Buffer.alloc(1 << 20, 0x61);
    const hash = createHash('sha256');
    const hashStarted = performance.now();
    for (let left = bytes; left > 0; left -= block.length) hash.update(left >= block.length ? block : block.subarray(0, left));
    hash.digest();
    return { readSeconds, hashSeconds: (performance.now() - hashStarted) / 1000, cpuSeconds: cpuSecondsSince(cpuStarted), rows };
  } finally {
    sqlite.close();
  }
}

/** CPU time of this process since `start` (every thread: SQLite, hashing, the collector). */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function writeDocs(result: Record<string, number>): void {
  if (process.env.BENCH_WRITE_DOCS === '0' || !existsSync(DOC_PATH)) return;
  const floorSeconds = result.floorReadSeconds! + result.floorHashSeconds!;
  const section = [
    RECON_RESULTS_START,
    '',
    `### Latest reconciliation run (${new Date().toISOString().replace(/\.\d+Z$/, 'Z')})`,
    '',
    `${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)} at the end of the run, Node ${process.version}.`,
    '',
    '| rows | generation (wall / CPU) | rows/s | floor: read + SHA-256 (wall / CPU) | generation ÷ floor (wall / CPU) | file | peak RSS |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| ${result.rows!.toLocaleString('en-US')} | ${result.generateSeconds} s / ${result.generateCpuSeconds} s | ${result.rowsPerSecond!.toLocaleString('en-US')} | ${floorSeconds.toFixed(1)} s / ${result.floorCpuSeconds} s | ${(result.generateSeconds! / floorSeconds).toFixed(1)} × / ${(result.generateCpuSeconds! / result.floorCpuSeconds!).toFixed(1)} × | ${result.fileMegabytes} MB | ${result.peakRssMegabytes} MB |`,
    '',
    RECON_RESULTS_END,
  ].join('\n');
  const existing = readFileSync(DOC_PATH, 'utf8');
  const start = existing.indexOf(RECON_RESULTS_START);
  const end = existing.indexOf(RECON_RESULTS_END);
  writeFileSync(DOC_PATH, start >= 0 && end > start ? `${existing.slice(0, start)}${section}${existing.slice(end + RECON_RESULTS_END.length)}` : `${existing.trimEnd()}\n\n${section}\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opencashier-bench-recon-'));
  const file = join(dir, 'bench.sqlite');
  const database = await openDatabase(file, { migrate: true, sqliteSynchronous: 'NORMAL' });
  try {
    const db = database.db;
    await db.insertInto('merchants').values({ merchant_id: MERCHANT, name: 'bench', status: 'active', sandbox: 1n, allowed_hosts: '["*"]', created_at_ms: 0n }).execute();
    const { startMs, endMs } = dayBoundsMs(DATE, TIME_ZONE);
    const fillStarted = performance.now();
    for (let first = 0; first < ROWS; first += INSERT_BATCH) {
      await db.transaction().execute(async (tx) => {
        const orders = [];
        const quotes = [];
        for (let i = first; i < Math.min(ROWS, first + INSERT_BATCH); i += 1) {
          const orderId = i.toString(16).padStart(32, '0');
          const usd = i % 5 === 0;
          const at = BigInt(startMs + Math.floor((i / ROWS) * 86_000_000));
          orders.push({
            order_id: orderId, merchant_id: MERCHANT, request_id: `bench-${i}`, request_digest: 'x', product: 'icc', amount_minor: BigInt(100 + (i % 100_000)), currency: usd ? 'USD' : 'CNY',
            state: 'SUCCESS', language: 'en', notify_url: 'http://127.0.0.1/n', callback_url: 'http://127.0.0.1/r', terminal_no: null, remark: null, order_type: 'STANDARD', details_json: '{"products":[]}',
            client_ip: null, expires_at_ms: at, created_at_ms: at, updated_at_ms: at, completed_at_ms: at, card_brand: null, card_bin: null, card_last4: null, vault_token: null, channel: 'sandbox-card',
            channel_reference: null, decline_code: null, challenge_attempts: 0n, fee_minor: BigInt(i % 7), version: 1n, delivery_status: null,
        dialect: 'payease-v3',
        dialect_context_json: '{}',
          });
          if (usd) quotes.push({ quote_id: `q${orderId}`, merchant_id: MERCHANT, purpose: 'CAPTURE', request_id: null, token: null, order_id: orderId, base_currency: 'USD', quote_currency: 'CNY', side: 'bid', market_rate: '7.1', markup_bps: 0n, rate: '7.1', source: 'bench', rate_as_of_ms: 0n, amount_minor: null, converted_minor: null, created_at_ms: at, expires_at_ms: null, used_at_ms: null, used_by_request_id: null });
        }
        await tx.insertInto('orders').values(orders).execute();
        if (quotes.length) await tx.insertInto('fx_quotes').values(quotes).execute();
      });
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;

    const source = { entries: new ReconciliationRepository(db, { sqliteFile: file }), quotes: new FxQuoteRepository(db), timeZone: TIME_ZONE };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    let peakRssBytes = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    }, 50);
    let bytes = 0;
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    await signChunks(reconciliationChunks(source, MERCHANT, DATE), privateKey, (chunk) => {
      bytes += Buffer.byteLength(chunk);
    });
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = cpuSecondsSince(cpuStarted);
    clearInterval(sampler);
    const floor = measureFloor(file, startMs, endMs, bytes);
    if (floor.rows !== ROWS) throw new Error(`the floor read ${floor.rows} rows, not ${ROWS}`);
    const tenths = (x: number) => Math.round(x * 10) / 10;
    const result = {
      rows: ROWS,
      fillSeconds: tenths(fillSeconds),
      generateSeconds: tenths(seconds),
      generateCpuSeconds: tenths(cpuSeconds),
      rowsPerSecond: Math.round(ROWS / seconds),
      floorReadSeconds: tenths(floor.readSeconds),
      floorHashSeconds: tenths(floor.hashSeconds),
      floorCpuSeconds: tenths(floor.cpuSeconds),
      fileMegabytes: Math.round(bytes / 1e5) / 10,
      peakRssMegabytes: Math.round(peakRssBytes / 1e5) / 10,
    };
    console.log(JSON.stringify(result));
    writeDocs(result);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
