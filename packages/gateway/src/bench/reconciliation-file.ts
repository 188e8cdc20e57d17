/**
 * `npm run bench:reconciliation`: generates one merchant's reconciliation
 * file for a day of BENCH_RECON_ROWS payments (default 1,000,000; a fifth
 * in USD with a capture rate, the rest in CNY) from a fresh SQLite
 * database, signing it as it streams, and reports the time, the rate and
 * the peak memory. Not a test: nothing asserts a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opencashier-bench-recon-'));
  const database = await openDatabase(join(dir, 'bench.sqlite'), { migrate: true, sqliteSynchronous: 'NORMAL' });
  try {
    const db = database.db;
    await db.insertInto('merchants').values({ merchant_id: MERCHANT, name: 'bench', status: 'active', sandbox: 1n, allowed_hosts: '["*"]', created_at_ms: 0n }).execute();
    const { startMs } = dayBoundsMs(DATE, TIME_ZONE);
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
          });
          if (usd) quotes.push({ quote_id: `q${orderId}`, merchant_id: MERCHANT, purpose: 'CAPTURE', request_id: null, token: null, order_id: orderId, base_currency: 'USD', quote_currency: 'CNY', side: 'bid', market_rate: '7.1', markup_bps: 0n, rate: '7.1', source: 'bench', rate_as_of_ms: 0n, amount_minor: null, converted_minor: null, created_at_ms: at, expires_at_ms: null, used_at_ms: null, used_by_request_id: null });
        }
        await tx.insertInto('orders').values(orders).execute();
        if (quotes.length) await tx.insertInto('fx_quotes').values(quotes).execute();
      });
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;

    const source = { entries: new ReconciliationRepository(db), quotes: new FxQuoteRepository(db), timeZone: TIME_ZONE };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    let peakRssBytes = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    }, 50);
    let bytes = 0;
    const started = performance.now();
    await signChunks(reconciliationChunks(source, MERCHANT, DATE), privateKey, (chunk) => {
      bytes += Buffer.byteLength(chunk);
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    console.log(JSON.stringify({ rows: ROWS, fillSeconds: Math.round(fillSeconds * 10) / 10, generateSeconds: Math.round(seconds * 10) / 10, rowsPerSecond: Math.round(ROWS / seconds), fileMegabytes: Math.round(bytes / 1e5) / 10, peakRssMegabytes: Math.round(peakRssBytes / 1e5) / 10 }));
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
