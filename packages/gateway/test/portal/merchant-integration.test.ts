/**
 * The integration page API: merchant id and certificates (upload rotates,
 * the previous one keeps verifying for the overlap), allowed hosts, the
 * sandbox test cards, a test notification through the outbox, and the
 * bounded log of recent API calls, which holds no card data.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createSelfSignedCertificate } from '@opencashier/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, type PortalClient } from './portal-client.js';
import { RequestLog } from '../../src/portal/request-log.js';

describe.each(testDatabases())('merchant integration page (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let admin: PortalClient;
  let support: PortalClient;
  let other: PortalClient;

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    admin = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', t.merchant.merchantId)).client;
    support = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId)).client;
    await t.gateway.merchants.create({ merchantId: 'integration-other', name: 'Other', sandbox: false, allowedHosts: ['other.example'] }, Date.now());
    other = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', 'integration-other')).client;
  });
  afterAll(async () => t?.close());

  it('shows the merchant id, certificates and sandbox test cards, and rotates the certificate on upload', async () => {
    const view = await support.get('/m/integration');
    expect(view.json).toMatchObject({ merchantId: t.merchant.merchantId, sandbox: true });
    expect(view.json.testCards).toContainEqual({ pan: '4000000000000002', brand: 'Visa', description: 'Declined: do not honour' });
    expect(view.json.certificates).toHaveLength(1);
    expect((await other.get('/m/integration')).json).toMatchObject({ merchantId: 'integration-other', testCards: [], challengeCode: null });

    const bad = await admin.post('/m/integration/certificate', { certificatePem: '-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n' });
    expect([bad.status, bad.json.code, bad.json.message.includes('certificatePem')]).toEqual([400, 'FIELD_INVALID', true]);
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = createSelfSignedCertificate({ privateKey: keys.privateKey, publicKey: keys.publicKey, commonName: 'portal upload', validityDays: 30 }).toString();
    expect((await support.post('/m/integration/certificate', { certificatePem: pem })).status).toBe(403);
    const uploaded = await admin.post('/m/integration/certificate', { certificatePem: pem });
    expect(uploaded.status).toBe(200);
    const [current, previous] = uploaded.json.certificates;
    expect(current.retiresAtMs).toBeNull();
    expect(previous.fingerprintSha256).toBe(view.json.certificates[0].fingerprintSha256);
    expect(previous.retiresAtMs).toBeGreaterThan(Date.now());
    expect((await t.gateway.merchants.verifyingCertificates(t.merchant.merchantId, Date.now()))[0]!.fingerprintSha256).toBe(current.fingerprintSha256);
    // The other merchant's certificates did not change.
    expect((await other.get('/m/integration')).json.certificates).toEqual([]);
  });

  it('sets the allowed hosts, and sends a test notification only to an allowed host', async () => {
    const star = await admin.post('/m/integration/allowed-hosts', { hosts: '*' });
    expect([star.json.code, star.json.message.includes('hosts')]).toEqual(['FIELD_INVALID', true]);
    const set = await admin.post('/m/integration/allowed-hosts', { hosts: 'Shop.example, *.notify.example 127.0.0.1' });
    expect(set.json.allowedHosts).toEqual(['shop.example', '*.notify.example', '127.0.0.1']);
    expect((await t.gateway.merchants.find(t.merchant.merchantId))!.allowedHosts).toEqual(['shop.example', '*.notify.example', '127.0.0.1']);

    const none = await admin.post('/m/integration/test-notification', { url: 'http://127.0.0.1:9999/n' });
    expect(none.json.code).toBe('ORDER_NOT_FOUND');
    await t.client.createIccOrder({ requestId: 'int-1', orderAmount: '1000', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId: 'int-1', cardNumber: '4242424242424242' });
    const refused = await admin.post('/m/integration/test-notification', { url: 'https://evil.example/n' });
    expect([refused.json.code, refused.json.message.includes('url')]).toEqual(['URL_NOT_ALLOWED', true]);
    const sent = await support.post('/m/integration/test-notification', { url: 'https://a.notify.example/hook' });
    expect(sent.status).toBe(200);
    const stored = await t.gateway.notifications.find(sent.json.notificationId);
    expect(stored).toMatchObject({ url: 'https://a.notify.example/hook', state: 'pending', merchantId: t.merchant.merchantId });
    const audit = await t.gateway.accounts.audit.list({ merchantId: t.merchant.merchantId, limit: 20 });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['notification.test', 'merchant.allowed_hosts', 'certificate.upload']));
  });

  it('lists recent API calls with their result codes and no card data, and keeps the log bounded', async () => {
    const requests = await admin.get('/m/integration/requests');
    expect(requests.json.requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.json.requests.some((r: { httpStatus: number; resultCode: string | null }) => r.httpStatus === 200 && r.resultCode !== null)).toBe(true);
    expect(requests.text).not.toContain('4242424242424242');
    expect(requests.text).not.toContain('int-1');
    expect((await support.get('/m/integration/requests')).status).toBe(403);
    expect((await other.get('/m/integration/requests')).json.requests).toEqual([]);

    const log = new RequestLog(t.gateway.database.db);
    const errors: unknown[] = [];
    // Queued lines are written in one batch.
    for (let i = 0; i < 5; i += 1) log.enqueue({ merchantId: 'integration-other', atMs: i, method: 'POST', path: '/icc/order', httpStatus: 200, resultCode: 'SUCCESS', elapsedMs: 1 }, (e) => errors.push(e));
    expect(await log.list('integration-other', 10)).toEqual([]);
    await log.flush();
    expect(await log.list('integration-other', 10)).toHaveLength(5);
    expect(errors).toEqual([]);
    expect(await log.prune(3)).toBeGreaterThanOrEqual(2);
    expect((await log.list('integration-other', 10)).map((e) => e.atMs)).toEqual([4, 3, 2]);
  });
});
