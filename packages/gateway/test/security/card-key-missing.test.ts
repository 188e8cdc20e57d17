/**
 * A saved card whose vault token was sealed under a key-encryption key the
 * gateway no longer holds (dropped from OPENCASHIER_KEK_PREVIOUS before the
 * rotation re-wrapped it): the charge is refused with CARD_KEY_MISSING, which
 * names the missing key id for the operator, instead of the generic
 * INTERNAL_ERROR; nothing is charged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { CardVault } from '../../src/keys/card-vault.js';
import { KeyEncryptionKey } from '../../src/keys/kek.js';

describe.each(testDatabases())('a stored card under a missing key (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  it('answers CARD_KEY_MISSING with the key id, and charges nothing', async () => {
    const bound = await t.client.bindCard({ requestId: 'ckm-bind', merchantUserId: 'ckm-user', cardType: 'DEBIT', bankCard: { number: '6212345678901232', holderName: 'ZHANG SAN' } });
    const dropped = KeyEncryptionKey.generate();
    await t.gateway.database.db.updateTable('card_bindings').set({ vault_token: new CardVault(dropped).tokenize('6212345678901232') }).where('bind_card_id', '=', bound.bindCardId!).execute();
    const ledgerBefore = await t.gateway.database.db.selectFrom('ledger_postings').selectAll().execute();
    const refused = t.client.createOnlinePayOrder({
      requestId: 'ckm-order',
      orderAmount: '8800',
      orderCurrency: 'CNY',
      notifyUrl: 'http://127.0.0.1:9999/n',
      callbackUrl: 'http://127.0.0.1:9999/r',
      paymentModeCode: 'BANK_CARD-EXPRESS_DEBIT',
      merchantUserId: 'ckm-user',
      bindCardId: bound.bindCardId!,
    });
    await expect(refused).rejects.toMatchObject({ code: 'CARD_KEY_MISSING' });
    await expect(refused).rejects.toThrow(dropped.id);
    expect(await t.gateway.database.db.selectFrom('ledger_postings').selectAll().execute()).toEqual(ledgerBefore);
    const order = await t.gateway.orders.findByRequest(t.merchant.merchantId, 'ckm-order');
    expect(order === undefined || order.state !== 'SUCCESS').toBe(true);
  });
});
