/**
 * Rotating the gateway key and then the key-encryption key: every vaulted
 * card (express-pay bindings and recurring consents) is re-wrapped and still
 * charges on a gateway that has only the new KEK; the keys used as keys of
 * their own (card fingerprints) do not change; and a value naming a key id
 * the gateway does not have is refused and charges nothing.
 */
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayEaseClient } from '@opencashier/sdk';
import { createGateway, type Gateway } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { KeyEncryptionKey, UnknownKeyIdError } from '../src/keys/kek.js';
import { loadDerivedKeys } from '../src/keys/derived-keys.js';
import { rotateKek, SEALED_COLUMNS } from '../src/keys/kek-rotation.js';
import { rotateGatewayKey } from '../src/keys/gateway-keys.js';
import { CardVault } from '../src/keys/card-vault.js';
import { freePort, startTestGateway, testDatabases, type TestGateway } from './harness.js';
import { seedSign } from './global-json/seed-merchant.js';

/** Enough cards to cover both vault tables and several batches' worth of rows without slowing `npm test`. */
const BOUND_CARDS = 12;
const RECURRING_CARDS = 6;
const ANY_URL = 'http://127.0.0.1:9999';

/** Distinct Luhn-valid 16-digit numbers starting 621234 (UnionPay debit, approved by the sandbox). */
function luhnPan(body15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i += 1) {
    let d = Number(body15[14 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return `${body15}${(10 - (sum % 10)) % 10}`;
}

describe.each(testDatabases())('KEK and gateway key rotation (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let after: Gateway | undefined;
  let afterUrl = '';
  const bound: { userId: string; bindCardId: string; pan: string }[] = [];
  const recurring: string[] = [];
  let seq = 0;

  const postGlobal = async (baseUrl: string, fields: Record<string, unknown>) => {
    const body = { mchid: t.merchant.merchantId, appid: t.merchant.globalJson!.appid, ...fields };
    const response = await fetch(`${baseUrl}/global/pay/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, sign: seedSign(body, t.merchant.globalJson!.secret) }) });
    return (await response.json()) as { code: string; result: Record<string, string> | null };
  };
  const recurringCharge = (baseUrl: string, userId: string, card?: string) =>
    postGlobal(baseUrl, {
      amount: '3.00', subject: 'plan', body: 'plan', callback_url: `${ANY_URL}/r`, notify_url: `${ANY_URL}/n`, user_id: userId, client_ip: '10.0.0.1',
      phone_number: '18801552245', currency: 'USD', customer_name: 'Pat Payer', region: 'USA', email: 'pat@example.test', mch_order_no: `kr-${++seq}`, trigger_mode: 'RECURRING',
      ...(card ? { card_no: card, cvc: '123', expiry_month: '12', expiry_year: String(new Date().getUTCFullYear() + 3) } : {}),
    });
  const express = (client: PayEaseClient, userId: string, bindCardId: string) =>
    client.createOnlinePayOrder({ requestId: `kx-${++seq}`, orderAmount: '700', orderCurrency: 'CNY', notifyUrl: `${ANY_URL}/n`, callbackUrl: `${ANY_URL}/r`, paymentModeCode: 'BANK_CARD-EXPRESS_DEBIT', merchantUserId: userId, bindCardId });

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    for (let i = 0; i < BOUND_CARDS; i += 1) {
      const pan = luhnPan(`621234${String(100_000_000 + i * 7919).slice(0, 9)}`);
      const card = await t.client.bindCard({ requestId: `kb-${i}`, merchantUserId: `holder-${i}`, cardType: 'DEBIT', bankCard: { number: pan, holderName: 'PAT PAYER' } });
      bound.push({ userId: `holder-${i}`, bindCardId: card.bindCardId, pan });
    }
    for (let i = 0; i < RECURRING_CARDS; i += 1) {
      const first = await recurringCharge(t.baseUrl, `subscriber-${i}`, '4242424242424242');
      expect(first.result?.status, JSON.stringify(first)).toBe('success');
      recurring.push(`subscriber-${i}`);
    }
  });
  afterAll(async () => {
    await after?.close();
    await t?.close();
  });

  it('re-wraps every vaulted card; every one still charges with only the new KEK; a foreign key id is refused', async () => {
    const db = t.gateway.database.db;
    const oldKek = t.gateway.kek;
    const oldToken = (await db.selectFrom('card_bindings').select('vault_token').where('bind_card_id', '=', bound[0]!.bindCardId).executeTakeFirstOrThrow()).vault_token;
    const fingerprintsBefore = await db.selectFrom('card_bindings').select(['bind_card_id', 'card_fingerprint']).orderBy('bind_card_id').execute();

    // First the gateway key, then the KEK, as an operator would on the same day.
    rotateGatewayKey(t.config.dataDir, oldKek, Date.now(), 60_000);
    const newBase64 = KeyEncryptionKey.generate().toBase64();
    const ring = KeyEncryptionKey.fromBase64(newBase64, [t.config.kekBase64!]);
    loadDerivedKeys(t.config.dataDir, ring);
    const report = await rotateKek(db, t.config.dataDir, ring);
    const vaulted = BOUND_CARDS + RECURRING_CARDS;
    expect(report.rewrapped['orders.vault_token']! + report.rewrapped['card_bindings.vault_token']!).toBeGreaterThanOrEqual(vaulted);
    expect(report.current['card_bindings.vault_token']).toBe(BOUND_CARDS);
    expect(report.rewrapped['merchant_secrets.secret_sealed']).toBeGreaterThanOrEqual(2);
    expect(report.rewrapped['keys/gateway-keys.json']).toBe(2);
    expect(report.rewrapped['keys/derived-keys.json']).toBe(5);
    // Idempotent: a second run finds nothing left to do.
    const again = await rotateKek(db, t.config.dataDir, ring);
    expect(Object.values(again.rewrapped).every((n) => n === 0)).toBe(true);
    // Every sealed column holds only values under the new key.
    for (const c of SEALED_COLUMNS) {
      const rows = (await db.selectFrom(c.table).select(`${c.column} as v` as never).execute()) as unknown as { v: string | null }[];
      for (const r of rows) if (r.v !== null) expect(ring.isCurrent(r.v.slice(c.prefix.length)), c.name).toBe(true);
      expect(report.current[c.name]).toBe(rows.filter((r) => r.v !== null).length);
    }

    // A second gateway on the same data, with only the new KEK: the old key is gone.
    const port = await freePort();
    afterUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      OPENCASHIER_DATA_DIR: t.config.dataDir,
      OPENCASHIER_DATABASE_URL: t.config.databaseUrl,
      OPENCASHIER_KEK: newBase64,
      OPENCASHIER_LOG_LEVEL: 'silent',
      PORT: String(port),
      OPENCASHIER_PUBLIC_BASE_URL: afterUrl,
    } as NodeJS.ProcessEnv);
    after = await createGateway(config);
    await after.app.listen({ port, host: '127.0.0.1' });
    expect(after.kek.keyIds).toEqual([ring.id]);
    expect(after.kek.subkey('card-fingerprint').equals(oldKek.subkey('card-fingerprint'))).toBe(true);
    // The client reads the rotated gateway certificate.
    const client = PayEaseClient.fromFiles({ ...t.merchant, baseUrl: afterUrl });

    let usable = 0;
    for (const card of bound) {
      const paid = await express(client, card.userId, card.bindCardId);
      if (paid.status === 'SUCCESS') usable += 1;
    }
    for (const userId of recurring) {
      const later = await recurringCharge(afterUrl, userId);
      if (later.result?.status === 'success') usable += 1;
    }
    expect(usable).toBe(vaulted);
    // Fingerprints kept: binding a known card again finds its binding.
    expect((await client.bindCard({ requestId: 'kb-again', merchantUserId: bound[1]!.userId, cardType: 'DEBIT', bankCard: { number: bound[1]!.pan, holderName: 'PAT PAYER' } })).bindCardId).toBe(bound[1]!.bindCardId);
    expect(await db.selectFrom('card_bindings').select(['bind_card_id', 'card_fingerprint']).orderBy('bind_card_id').execute()).toEqual(fingerprintsBefore);

    // A token naming the retired key: refused by the vault with the code that names the key, and a charge on it pays nothing.
    const retiredKeyId = oldToken.slice(3).split('.')[1]!;
    expect(() => new CardVault(after!.kek).detokenize(oldToken)).toThrow(expect.objectContaining({ code: 'CARD_KEY_MISSING', params: { keyId: retiredKeyId } }));
    await db.updateTable('card_bindings').set({ vault_token: oldToken }).where('bind_card_id', '=', bound[0]!.bindCardId).execute();
    const paidBefore = await after.database.db.selectFrom('orders').select('order_id').where('state', '=', 'SUCCESS').execute();
    await expect(express(client, bound[0]!.userId, bound[0]!.bindCardId)).rejects.toMatchObject({ code: 'CARD_KEY_MISSING' });
    const paidAfter = await after.database.db.selectFrom('orders').select('order_id').where('state', '=', 'SUCCESS').execute();
    expect(paidAfter.length).toBe(paidBefore.length);
  });

  it('opens values sealed before key ids existed, and re-wraps them', () => {
    const kek = KeyEncryptionKey.generate();
    const legacy = legacySeal(kek.toBase64(), 'card-vault', Buffer.from('4242424242424242'));
    expect(kek.open('card-vault', legacy).toString()).toBe('4242424242424242');
    const next = KeyEncryptionKey.fromBase64(KeyEncryptionKey.generate().toBase64(), [kek.toBase64()]);
    const rewrapped = next.rewrap('card-vault', legacy);
    expect(next.isCurrent(rewrapped)).toBe(true);
    expect(next.open('card-vault', rewrapped).toString()).toBe('4242424242424242');
    // Another purpose never opens it, whatever the key.
    expect(() => next.open('merchant-secret', rewrapped)).toThrow();
    // A forged key id is refused as unknown, not tried against every key.
    const parts = rewrapped.split('.');
    parts[1] = '0123456789abcdef';
    expect(() => next.open('card-vault', parts.join('.'))).toThrow(UnknownKeyIdError);
  });
});

/** The v1 format, as the gateway wrote it before key ids: AES-256-GCM, purpose as associated data. */
function legacySeal(keyBase64: string, purpose: string, plaintext: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', Buffer.from(keyBase64, 'base64'), Buffer.alloc(0), `opencashier:${purpose}`, 32)), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}
