/**
 * Two gateway processes' worth of services on one database (a shared SQLite
 * file, or one PostgreSQL database): velocity counters, lists and rule
 * reloads made on one are in force on the other at its next decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.js';
import { payWithTestCard } from '../../src/orders/sandbox-payment.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { ADMIN_TOKEN, admin, loadRules, luhnCard, order } from './risk-support.js';

describe.each(testDatabases())('risk counters across two gateways on one database (%s)', (_database, databaseEnv) => {
  let first: TestGateway;
  let second: Gateway;
  let nowMs = Date.UTC(2031, 5, 1);
  const clock = () => nowMs;
  beforeAll(async () => {
    first = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN_TOKEN }, { background: false, clock });
    // The same configuration (database, key-encryption key) in a second gateway: a second node.
    second = await createGateway(first.config, { clock, migrate: false });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const nodes = () => [first.gateway, second] as const;
  /** Creates the order on the first node and pays it on `node`. */
  const payOn = async (node: Gateway, card: string, extra = {}) => {
    const request = order(extra);
    await first.client.createIccOrder(request);
    const o = (await first.gateway.orders.findByRequest(first.merchant.merchantId, request.requestId))!;
    return payWithTestCard(node.orders, o.orderId, card);
  };

  it('counts attempts on one card made alternately on both nodes in one sliding window', async () => {
    await loadRules(first, { velocity: [{ key: 'card', window: '1h', maxAttempts: 3, action: 'DENY' }] });
    const card = luhnCard('424242', 901);
    const states: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      states.push((await payOn(nodes()[i % 2]!, card)).state);
      nowMs += 60_000;
    }
    expect(states).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED']);
    // An hour after the first attempt it has left the window, but three others (and this one) are in it.
    nowMs += 56 * 60_000;
    expect((await payOn(second, card)).state).toBe('FAILED');
    // Once the first four have left, only the denied attempt just made and this one remain: a denied attempt is an attempt too.
    nowMs += 3 * 60_000;
    expect((await payOn(first.gateway, card)).state).toBe('SUCCESS');
  });

  it('counts declines of a card-testing run split across both nodes', async () => {
    await loadRules(first, { cardTesting: { window: '1h', declinesPerIp: 4 } });
    const outcomes: (string | null)[] = [];
    for (let i = 0; i < 8; i += 1) {
      outcomes.push((await payOn(nodes()[i % 2]!, '4000000000000002', { clientIp: '203.0.113.200' })).declineCode);
      nowMs += 1_000;
    }
    expect(outcomes).toEqual(['DO_NOT_HONOR', 'DO_NOT_HONOR', 'DO_NOT_HONOR', 'DO_NOT_HONOR', 'DO_NOT_HONOR', 'RISK_DECLINED', 'RISK_DECLINED', 'RISK_DECLINED']);
  });

  it('a rule reload and a list entry made through one node are in force on the other', async () => {
    const version = await loadRules(first, { amountLimits: { USD: { perTransactionMaxMinor: '999' } } });
    expect((await payOn(second, '4242424242424242')).declineCode).toBe('RISK_DECLINED');
    expect((await second.risk.engine.rulesInForce())!.version).toBe(version);
    await loadRules(first, {});
    expect((await payOn(second, '4242424242424242')).state).toBe('SUCCESS');
    await admin(first, 'POST', '/risk/lists', { list: 'BLOCK', kind: 'ip', value: '192.0.2.0/28' });
    expect((await payOn(second, '4242424242424242', { clientIp: '192.0.2.15' })).declineCode).toBe('RISK_DECLINED');
  });
});
