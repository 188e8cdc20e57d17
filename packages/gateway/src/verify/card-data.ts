/**
 * `npm run verify:card-data [-- --payments N]`: the long card-data run
 * (10,000 payments by default) on SQLite, and on PostgreSQL when
 * OPENCASHIER_TEST_POSTGRES_URL names a server; prints the figure and
 * rewrites the "Card data scan" section of docs/reliability.md. Exits 1 if
 * any card number or CVV was found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { runCardDataScan, type CardDataRunResult } from './card-data-run.js';
import { writeFigure } from './card-data-report.js';
import { createScratchPostgresDatabase } from '../store/scratch-postgres-database.js';

const DEFAULT_PAYMENTS = 10_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function runOn(database: 'sqlite' | 'postgres', payments: number): Promise<CardDataRunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `opencashier-card-data-${database}-`));
  const scratch = database === 'postgres' ? await createScratchPostgresDatabase(process.env.OPENCASHIER_TEST_POSTGRES_URL!, 'card_data') : undefined;
  try {
    return await runCardDataScan({ payments, dataDir, port: await freePort(), adminToken: randomBytes(24).toString('base64url'), ...(scratch ? { databaseUrl: scratch.url } : {}) });
  } finally {
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--payments');
  const payments = i > 0 ? Number(process.argv[i + 1]) : DEFAULT_PAYMENTS;
  if (!Number.isSafeInteger(payments) || payments < 1) throw new Error('--payments must be a positive whole number');
  const only = process.argv.indexOf('--database');
  const all: ('sqlite' | 'postgres')[] = ['sqlite', ...(process.env.OPENCASHIER_TEST_POSTGRES_URL ? (['postgres'] as const) : [])];
  // `--database sqlite|postgres`: one of them (the two can run side by side; each keeps the other's row).
  const databases = only > 0 ? all.filter((d) => d === process.argv[only + 1]) : all;
  if (databases.length === 0) throw new Error('--database must be sqlite, or postgres with OPENCASHIER_TEST_POSTGRES_URL set');
  const results: CardDataRunResult[] = [];
  for (const database of databases) {
    const startedMs = Date.now();
    const r = await runOn(database, payments);
    results.push(r);
    console.log(`${database}: ${r.payments} payments (${JSON.stringify(r.byPath)}), ${r.paidOrders} paid, ${r.vaultedCards} cards vaulted; scanned ${r.sources} sources, ${r.bytesScanned} bytes: ${r.hits.filter((h) => h.kind === 'pan').length} card numbers, ${r.hits.filter((h) => h.kind === 'cvv').length} CVVs found (${Math.round((Date.now() - startedMs) / 1000)} s)`);
    for (const hit of r.hits.slice(0, 20)) console.log(`  ${hit.kind} in ${hit.source}: ${hit.excerpt}`);
    // After each database: a run cut short still leaves the figures it has.
    writeFigure(results);
  }
  if (results.some((r) => r.hits.length > 0)) process.exitCode = 1;
}

await main();
