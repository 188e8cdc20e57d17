/**
 * How long a risk decision takes: the pure rule evaluation alone, and the
 * whole decision of the engine (record the attempt in the counters, read the
 * counters and list matches, evaluate, store the decision) against a SQLite
 * database on local disk, with a rule set that uses every kind of rule.
 * Printed by `npm run bench`; also runnable alone
 * (`node packages/gateway/dist/bench/risk-decision.js`). Nothing asserts a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createGateway } from '../app.js';
import { loadConfig } from '../config.js';
import type { CardInput } from '../domain/channel.js';
import { KeyEncryptionKey } from '../keys/kek.js';
import { parseIccOrderRequest } from '../protocols/payease/icc-order-request.js';
import { ensureDemoMerchant } from '../provisioning.js';
import { counterName, counterSpecs } from '../risk/counters.js';
import { evaluate } from '../risk/evaluate.js';
import { parseRuleFile, type RuleSet } from '../risk/rule-set.js';
import type { RiskSignals } from '../risk/signals.js';
import { summarizeLatency, type LatencySummary } from './latency.js';

/** Decisions timed per measurement: enough for a stable p99, few enough to finish in seconds. */
const PURE_DECISIONS = 200_000;
const ENGINE_DECISIONS = 2_000;

export const BENCH_RULES = {
  defaults: {
    thresholds: { challenge: 20, review: 50, deny: 90 },
    amountLimits: { USD: { perTransactionMaxMinor: '500000', perCardDayMaxMinor: '2000000', perMerchantDayMaxMinor: '500000000', action: 'REVIEW' } },
    velocity: [
      { key: 'card', window: '10m', maxAttempts: 5, action: 'CHALLENGE', score: 10 },
      { key: 'email', window: '1d', maxAttempts: 20, score: 20 },
      { key: 'ip', window: '1h', maxAttempts: 50, score: 20 },
      { key: 'email', window: '1d', maxAmountMinor: '5000000', currency: 'USD', action: 'REVIEW' },
    ],
    geography: { highRiskCountries: ['KP', 'IR'], highRisk: { action: 'REVIEW', score: 30 }, cardIpMismatch: { score: 20 }, cardBillingMismatch: { score: 10 } },
    cardTesting: { window: '1h', declinesPerCard: 3, declinesPerIp: 10 },
    splitOrders: { window: '1h', minOrders: 3 },
  },
};

export interface RiskBenchResult {
  pureMicrosPerDecision: number;
  engine: LatencySummary;
}

function benchRules(): RuleSet {
  const parsed = parseRuleFile(JSON.stringify(BENCH_RULES));
  if (!parsed.ok) throw new Error(`bench rules refused: ${JSON.stringify(parsed.errors)}`);
  return parsed.document.defaults;
}

export async function measureRiskDecisions(): Promise<RiskBenchResult> {
  const rules = benchRules();
  const signals: RiskSignals = { merchantId: '100000001', orderId: 'o', amountMinor: 12_345n, currency: 'USD', cardFingerprint: `cf_${'0'.repeat(32)}`, cardBin: '424242', cardCountry: 'US', ip: '192.0.2.1', ipCountry: 'US', email: 'a@example.com', billingCountry: 'US' };
  const counters = new Map(counterSpecs(rules, 'USD').map((s, i) => [counterName(s), BigInt(i)]));
  let sink = 0;
  for (let i = 0; i < PURE_DECISIONS / 10; i += 1) sink += evaluate(rules, signals, counters, []).score; // warm-up
  const pureStart = process.hrtime.bigint();
  for (let i = 0; i < PURE_DECISIONS; i += 1) sink += evaluate(rules, signals, counters, []).score;
  const pureMicrosPerDecision = Number(process.hrtime.bigint() - pureStart) / 1000 / PURE_DECISIONS;
  if (sink < 0) throw new Error('unreachable');

  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-risk-bench-'));
  const config = loadConfig({ OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: KeyEncryptionKey.generate().toBase64(), OPENCASHIER_LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  const gateway = await createGateway(config);
  try {
    const { info } = await ensureDemoMerchant(config, gateway.merchants, Date.now());
    const merchant = (await gateway.merchants.find(info.merchantId))!;
    await gateway.risk.engine.loadRules(JSON.stringify(BENCH_RULES), 'bench');
    const samplesMs: number[] = [];
    for (let i = 0; i < ENGINE_DECISIONS; i += 1) {
      const { order } = await gateway.orders.create(
        merchant,
        parseIccOrderRequest({ requestId: `risk-bench-${i}`, orderAmount: '12345', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', orderType: 'RISK_BILL', billInfo: { email: `payer${i % 50}@example.com`, country: 'US' }, clientIp: `192.0.2.${i % 200}` }),
      );
      const card: CardInput = { holder: 'BENCH', pan: `4242424242${String(i % 1000).padStart(6, '0')}`, expiryMonth: 12, expiryYear: 2040, cvv: '123', brand: 'Visa' };
      const started = process.hrtime.bigint();
      await gateway.risk.engine.assess(order, card, { deviceId: `device-${i % 100}` });
      samplesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return { pureMicrosPerDecision, engine: summarizeLatency(samplesMs.slice(ENGINE_DECISIONS / 10)) };
  } finally {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function riskBenchReport(r: RiskBenchResult): string {
  const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
  return [
    'risk decision',
    `  rule evaluation alone (pure, ${PURE_DECISIONS} decisions): ${r.pureMicrosPerDecision.toFixed(2)} µs per decision`,
    `  whole decision with SQLite counters and lists (${r.engine.count} decisions): p50 ${us(r.engine.p50Ms)}, p90 ${us(r.engine.p90Ms)}, p99 ${us(r.engine.p99Ms)}, max ${us(r.engine.maxMs)}`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  measureRiskDecisions().then(
    (r) => process.stdout.write(`${riskBenchReport(r)}\n`),
    (error: unknown) => {
      process.stderr.write(`risk bench failed: ${String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
