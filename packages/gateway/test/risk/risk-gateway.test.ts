/**
 * Risk control in a running gateway, on both databases: every decision
 * through the merchant API and the sandbox helper, rules and lists through
 * the operator admin API, counters in the database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { ADMIN_TOKEN, admin, createAndPay, loadRules, luhnCard, order } from './risk-support.js';

const MINUTE = 60_000;

describe.each(testDatabases())('risk control in the gateway (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let nowMs = Date.UTC(2030, 0, 1);
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN_TOKEN }, { background: false, clock: () => nowMs });
  });
  afterAll(async () => t?.close());
  // Each test starts an hour after the last, so no counter of one test reaches into the next.
  beforeEach(() => {
    nowMs += 60 * MINUTE;
  });
  const stored = (requestId: string) => t.gateway.orders.findByRequest(t.merchant.merchantId, requestId);
  const attemptsOf = async (requestId: string) => (await admin(t, 'GET', `/risk/attempts?orderId=${(await stored(requestId))!.orderId}`)).json.attempts as any[];

  it('denies a blocked e-mail before the channel: FAILED with RISK_DECLINED, notified, the decision stored', async () => {
    await loadRules(t, {});
    const added = await admin(t, 'POST', '/risk/lists', { list: 'BLOCK', kind: 'email', value: ' Fraud@Example.COM ', reason: 'test' });
    expect(added).toMatchObject({ status: 201, json: { kind: 'email', value: 'fraud@example.com', scope: '*', source: 'operator' } });
    const blocked = order({ orderType: 'RISK_BILL', billInfo: { email: 'fraud@example.com', country: 'US' } });
    expect(await createAndPay(t, blocked, '4242424242424242')).toMatchObject({ status: 'FAILED', code: 'RISK_DECLINED' });
    const o = (await stored(blocked.requestId))!;
    // Nothing reached the channel: no reference was ever handed out.
    expect(o.channelReference).toBeNull();
    expect((await t.gateway.notifications.forOrder(o.orderId)).map((n) => JSON.parse(n.payloadJson))).toMatchObject([{ status: 'FAILED', code: 'RISK_DECLINED' }]);
    const [attempt] = await attemptsOf(blocked.requestId);
    expect(attempt).toMatchObject({ action: 'DENY', fired: [{ rule: 'blockList.email' }], cardBin: '424242', cardCountry: 'US', email: 'fraud@example.com', amountMinor: '1000' });
    expect(attempt.cardFingerprint).toMatch(/^cf_[0-9a-f]{32}$/);
    // The card number is nowhere in the stored attempt.
    expect(JSON.stringify(attempt)).not.toContain('4242424242424242');
    // Another e-mail passes.
    expect((await createAndPay(t, order({ orderType: 'RISK_BILL', billInfo: { email: 'good@example.com' } }), '4242424242424242')).status).toBe('SUCCESS');
    expect((await admin(t, 'DELETE', `/risk/lists/${added.json.entryId}`)).status).toBe(200);
    expect((await createAndPay(t, order({ orderType: 'RISK_BILL', billInfo: { email: 'fraud@example.com' } }), '4242424242424242')).status).toBe('SUCCESS');
  });

  it('blocks an IP range and a card listed by number (stored as its fingerprint only)', async () => {
    await loadRules(t, {});
    await admin(t, 'POST', '/risk/lists', { list: 'BLOCK', kind: 'ip', value: '198.51.100.0/25' });
    expect(await createAndPay(t, order({ clientIp: '198.51.100.127' }), '4242424242424242')).toMatchObject({ code: 'RISK_DECLINED' });
    expect((await createAndPay(t, order({ clientIp: '198.51.100.128' }), '4242424242424242')).status).toBe('SUCCESS');
    const card = luhnCard('520082', 77);
    const entry = await admin(t, 'POST', '/risk/lists', { list: 'BLOCK', kind: 'card', cardNumber: card, scope: t.merchant.merchantId });
    expect(entry.json.value).toMatch(/^cf_[0-9a-f]{32}$/);
    expect(JSON.stringify((await admin(t, 'GET', '/risk/lists?kind=card')).json)).not.toContain(card);
    expect(await createAndPay(t, order(), card)).toMatchObject({ code: 'RISK_DECLINED' });
    expect(await admin(t, 'POST', '/risk/lists', { list: 'BLOCK', kind: 'card', value: card })).toMatchObject({ status: 400, json: { code: 'FIELD_INVALID' } });
  });

  it('forces 3-D Secure on a frictionless card when the card and IP countries differ', async () => {
    await loadRules(t, { geography: { highRiskCountries: [], cardIpMismatch: { action: 'CHALLENGE' } } });
    // 4242… is a US card in the sample BIN table; 198.51.100.0/24 is DE in the sample IP table (its lower half is blocked above).
    const abroad = order({ clientIp: '198.51.100.207' });
    const first = await createAndPay(t, abroad, '4242424242424242');
    expect(first, JSON.stringify(await attemptsOf(abroad.requestId))).toMatchObject({ status: 'INIT' });
    expect((await stored(abroad.requestId))!.state).toBe('CHALLENGE');
    expect(await t.client.call('sandbox/pay', { requestId: abroad.requestId, cardNumber: '4242424242424242' }).catch((e: unknown) => e)).toMatchObject({ code: 'ORDER_NOT_PAYABLE' });
    expect((await t.gateway.orders.completeChallenge((await stored(abroad.requestId))!.orderId, { otp: '123456' })).state).toBe('SUCCESS');
    expect((await createAndPay(t, order({ clientIp: '198.51.100.208' }), '4242424242424242', '000000'))).toMatchObject({ status: 'FAILED', code: 'AUTHENTICATION_FAILED' });
    // At home the card stays frictionless.
    expect((await createAndPay(t, order({ clientIp: '192.0.2.7' }), '4242424242424242')).status).toBe('SUCCESS');
    // A declining card is declined, not challenged.
    expect(await createAndPay(t, order({ clientIp: '198.51.100.209' }), '4000000000000002')).toMatchObject({ status: 'FAILED', code: 'DO_NOT_HONOR' });
  });

  it('counts attempts in a sliding window: the edge of the window decides', async () => {
    await loadRules(t, { velocity: [{ key: 'email', window: '10m', maxAttempts: 2, action: 'DENY' }] });
    const by = (email: string) => order({ orderType: 'RISK_BILL', billInfo: { email } });
    const t0 = nowMs;
    expect((await createAndPay(t, by('v@example.com'), '4242424242424242')).status).toBe('SUCCESS');
    expect((await createAndPay(t, by('v@example.com'), '5555555555554444')).status).toBe('SUCCESS');
    nowMs = t0 + 10 * MINUTE - 1;
    expect(await createAndPay(t, by('V@example.com'), '378282246310005')).toMatchObject({ code: 'RISK_DECLINED' });
    expect((await createAndPay(t, by('other@example.com'), '378282246310005')).status).toBe('SUCCESS');
    // The first two attempts leave the window: the third (denied, but an attempt) and this one are two.
    nowMs = t0 + 10 * MINUTE;
    expect((await createAndPay(t, by('v@example.com'), '3530111333300000')).status).toBe('SUCCESS');
  });

  it('limits the approved amount per card per day, counting approvals only', async () => {
    await loadRules(t, { amountLimits: { USD: { perCardDayMaxMinor: '5000', action: 'DENY' } } });
    const card = luhnCard('411111', 5);
    expect((await createAndPay(t, order({ orderAmount: '3000' }), card)).status).toBe('SUCCESS');
    // Declined payments do not use up the limit.
    expect((await createAndPay(t, order({ orderAmount: '4000' }), card)).code).toBe('RISK_DECLINED');
    expect((await createAndPay(t, order({ orderAmount: '2000' }), card)).status).toBe('SUCCESS');
    expect((await createAndPay(t, order({ orderAmount: '1' }), card)).code).toBe('RISK_DECLINED');
    // Another currency has its own limits (none here).
    expect((await createAndPay(t, order({ orderAmount: '900000', orderCurrency: 'JPY' }), card)).status).toBe('SUCCESS');
    nowMs += 24 * 60 * MINUTE;
    expect((await createAndPay(t, order({ orderAmount: '5000' }), card)).status).toBe('SUCCESS');
  });

  it('stops a card-testing attack: hundreds of small attempts from one IP, most of them declined', async () => {
    await loadRules(t, { cardTesting: { window: '1h', declinesPerCard: 2, declinesPerIp: 10 } });
    const declining = ['4000000000000002', '4000000000009995', '4000000000000069', '4000000000000127', '4000000000009979'];
    const outcomes: string[] = [];
    for (let i = 0; i < 240; i += 1) {
      // Four stolen numbers of five are dead; the fifth works, which is what the attacker is after.
      const card = i % 5 === 4 ? luhnCard('400000', 1000 + i) : declining[i % 4]!;
      const answer = await createAndPay(t, order({ orderAmount: '100', clientIp: '203.0.113.66' }), card);
      outcomes.push(answer.code ?? answer.status ?? '');
      nowMs += 1_000;
    }
    const firstDenied = outcomes.indexOf('RISK_DECLINED');
    // The 11th decline from the address trips the rule; from then on nothing reaches the channel.
    expect(outcomes.slice(0, firstDenied).filter((o) => o !== 'SUCCESS')).toHaveLength(11);
    expect(outcomes.slice(firstDenied).every((o) => o === 'RISK_DECLINED')).toBe(true);
    expect(outcomes.filter((o) => o === 'SUCCESS').length).toBeLessThan(5);
    // A payer elsewhere is not caught by the attack on this address.
    expect((await createAndPay(t, order({ clientIp: '192.0.2.99' }), '4242424242424242')).status).toBe('SUCCESS');
    // One card declined again and again is caught by the per-card rule too.
    for (let i = 0; i < 4; i += 1) await createAndPay(t, order({ clientIp: `192.0.2.${100 + i}` }), '4000000000000119');
    const [attempt] = (await admin(t, 'GET', '/risk/attempts?action=DENY&limit=1')).json.attempts;
    expect(attempt.fired.map((f: { rule: string }) => f.rule)).toEqual(['cardTesting.card']);
  });

  it('holds split orders from one payer for review', async () => {
    await loadRules(t, { amountLimits: { USD: { perTransactionMaxMinor: '10000' } }, splitOrders: { window: '1h', minOrders: 3 } });
    const card = luhnCard('424242', 31);
    expect((await createAndPay(t, order({ orderAmount: '9900' }), card)).status).toBe('SUCCESS');
    expect((await createAndPay(t, order({ orderAmount: '9900' }), card)).status).toBe('SUCCESS');
    const third = order({ orderAmount: '9900' });
    expect((await createAndPay(t, third, card)).status).toBe('INIT');
    expect((await stored(third.requestId))!.state).toBe('REVIEW');
    expect((await attemptsOf(third.requestId))[0]).toMatchObject({ action: 'REVIEW', reviewStatus: 'PENDING', fired: [{ rule: 'splitOrders' }] });
  });

  it('a chargeback puts the card on the merchant block list', async () => {
    await loadRules(t, { autoBlock: { onChargeback: ['card', 'email'] } });
    const card = luhnCard('411111', 77);
    const paid = order({ orderType: 'RISK_BILL', billInfo: { email: 'cb@example.com' } });
    expect((await createAndPay(t, paid, card)).status).toBe('SUCCESS');
    await t.client.call('sandbox/chargeback', { requestId: paid.requestId });
    const entries = (await admin(t, 'GET', `/risk/lists?list=BLOCK&scope=${t.merchant.merchantId}`)).json.entries as any[];
    expect(entries.filter((e) => e.source === 'chargeback').map((e) => e.kind).sort()).toEqual(['card', 'email']);
    expect(await createAndPay(t, order(), card)).toMatchObject({ code: 'RISK_DECLINED' });
  });

  it('a chargeback on a published sandbox test card does not block that card for everyone else', async () => {
    await loadRules(t, { autoBlock: { onChargeback: ['card'] } });
    const paid = order();
    expect((await createAndPay(t, paid, '4000000000000259')).status).toBe('SUCCESS');
    await t.client.call('sandbox/chargeback', { requestId: paid.requestId });
    expect((await createAndPay(t, order(), '4000000000000259')).status).toBe('SUCCESS');
  });

  it('refuses a rule file with mistakes, says where, and keeps the rules in force', async () => {
    const version = await loadRules(t, { amountLimits: { USD: { perTransactionMaxMinor: '5000' } } });
    const broken = '{\n  "defaults": {\n    "amountLimits": {\n      "USD": { "perTransactionMaxMinor": 100 }\n    }\n  }\n}';
    const refused = await admin(t, 'PUT', '/risk/rules', broken);
    expect(refused).toMatchObject({ status: 400, json: { code: 'RISK_RULES_INVALID', errors: [{ line: 4, path: 'defaults.amountLimits.USD.perTransactionMaxMinor' }] } });
    expect(refused.json.errorMessage).toContain('line 4');
    const syntax = await admin(t, 'PUT', '/risk/rules', '{\n  "defaults": {\n');
    expect(syntax).toMatchObject({ status: 400, json: { errors: [{ line: 3 }] } });
    expect((await admin(t, 'GET', '/risk/rules')).json).toMatchObject({ version, source: 'admin API' });
    expect(await createAndPay(t, order({ orderAmount: '5001' }), '4242424242424242')).toMatchObject({ code: 'RISK_DECLINED' });
    expect((await createAndPay(t, order({ orderAmount: '5000' }), '4242424242424242')).status).toBe('SUCCESS');
  });

  it('keeps the admin routes behind the operator token', async () => {
    const res = await fetch(`${t.baseUrl}/admin/v1/risk/rules`);
    expect(res.status).toBe(401);
  });
});
