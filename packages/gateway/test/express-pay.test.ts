/**
 * Express card payments with saved cards, on every database: a card is
 * bound for a merchant user (the PAN kept only as a vault token), charged by
 * `bindCardId` through `onlinePay/order`, listed and unbound; refusals write
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnlinePayOrderRequest } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

describe.each(testDatabases())('express payments with saved cards (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  let seq = 0;
  const rid = () => `xp-${++seq}`;
  const bind = (merchantUserId: string, number: string, cardType: 'DEBIT' | 'CREDIT' = 'DEBIT') =>
    t.client.bindCard({ requestId: rid(), merchantUserId, cardType, bankCard: { number, holderName: 'ZHANG SAN', ...(cardType === 'CREDIT' ? { expiryMonth: '12', expiryYear: '2031' } : {}) } });
  const express = (extra: Partial<OnlinePayOrderRequest>) =>
    t.client.createOnlinePayOrder({ requestId: rid(), orderAmount: '8800', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', paymentModeCode: 'BANK_CARD-EXPRESS_DEBIT', ...extra });
  const orderCount = async () => Number((await t.gateway.database.db.selectFrom('orders').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n);

  it('binds a card once per user, charges it by bindCardId, and reports the binding in the notification', async () => {
    const first = await bind('user-1', '6212345678901232');
    expect(first).toMatchObject({ status: 'SUCCESS', merchantUserId: 'user-1', cardType: 'DEBIT', cardBin: '621234', cardLast4: '1232', bindStatus: 'ACTIVE' });
    expect(first.bindCardId).toMatch(/^bc[0-9a-f]{24}$/);
    expect((await bind('user-1', '6212345678901232')).bindCardId).toBe(first.bindCardId);
    expect(JSON.stringify(first)).not.toContain('6212345678901232');

    const paid = await express({ merchantUserId: 'user-1', bindCardId: first.bindCardId });
    expect(paid).toMatchObject({ status: 'SUCCESS', paymentModeAlias: 'DEBIT_EXPRESS_PAY', cardType: 'DEBIT', clearingOrg: 'UNION_PAY', payment: { amount: '8800', currency: 'CNY', status: 'SUCCESS', bindCardId: first.bindCardId } });
    const notes = await t.gateway.notifications.forOrder(paid.serialNumber as string);
    expect(JSON.parse(notes[0]!.payloadJson)).toMatchObject({ status: 'SUCCESS', payment: { bindCardId: first.bindCardId } });
    const refund = await t.client.refund({ requestId: rid(), orderId: paid.serialNumber as string }, 'onlinePay');
    expect(refund.status).toBe('SUCCESS');

    // The card number is nowhere in the database: only BIN, last 4 and a vault token.
    const bindings = await t.gateway.database.db.selectFrom('card_bindings').selectAll().execute();
    const orders = await t.gateway.database.db.selectFrom('orders').selectAll().execute();
    expect(JSON.stringify(bindings, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain('6212345678901232');
    expect(JSON.stringify(orders, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain('6212345678901232');
  });

  it('a saved credit card the issuer declines fails the order with the decline code', async () => {
    const card = await bind('user-2', '4000000000009995', 'CREDIT');
    const answer = await express({ paymentModeCode: 'BANK_CARD-EXPRESS_CREDIT', merchantUserId: 'user-2', bindCardId: card.bindCardId });
    expect(answer).toMatchObject({ status: 'FAILED', code: 'INSUFFICIENT_FUNDS', paymentModeAlias: 'CREDIT_EXPRESS_PAY' });
  });

  it('lists and unbinds; an unbound card, another user’s card, a mismatched card type or a missing id are refused and write nothing', async () => {
    const card = await bind('user-3', '5555555555554444', 'CREDIT');
    expect((await t.client.queryBoundCards({ requestId: rid(), merchantUserId: 'user-3' })).map((c) => c.bindCardId)).toEqual([card.bindCardId]);
    const before = await orderCount();
    await expect(express({ merchantUserId: 'user-4', bindCardId: card.bindCardId, paymentModeCode: 'BANK_CARD-EXPRESS_CREDIT' })).rejects.toMatchObject({ code: 'BIND_CARD_NOT_FOUND' });
    await expect(express({ merchantUserId: 'user-3', bindCardId: card.bindCardId, paymentModeCode: 'BANK_CARD-EXPRESS_DEBIT' })).rejects.toMatchObject({ code: 'FIELD_INVALID' });
    await expect(express({ merchantUserId: 'user-3' })).rejects.toMatchObject({ code: 'FIELD_MISSING' });
    await expect(express({ bindCardId: card.bindCardId })).rejects.toMatchObject({ code: 'FIELD_MISSING' });
    expect((await t.client.unbindCard({ requestId: rid(), merchantUserId: 'user-3', bindCardId: card.bindCardId })).bindStatus).toBe('UNBOUND');
    await expect(express({ merchantUserId: 'user-3', bindCardId: card.bindCardId, paymentModeCode: 'BANK_CARD-EXPRESS_CREDIT' })).rejects.toMatchObject({ code: 'BIND_CARD_NOT_FOUND' });
    expect(await orderCount()).toBe(before);
    expect(await t.client.queryBoundCards({ requestId: rid(), merchantUserId: 'user-3' })).toEqual([]);
    await expect(t.client.unbindCard({ requestId: rid(), merchantUserId: 'user-3', bindCardId: card.bindCardId })).rejects.toMatchObject({ code: 'BIND_CARD_NOT_FOUND' });
  });

  it('refuses a bind with a bad card number or a credit card without expiry', async () => {
    await expect(bind('user-5', '4242424242424241')).rejects.toMatchObject({ code: 'FIELD_INVALID' });
    await expect(t.client.bindCard({ requestId: rid(), merchantUserId: 'user-5', cardType: 'CREDIT', bankCard: { number: '4242424242424242', holderName: 'A' } })).rejects.toMatchObject({ code: 'FIELD_MISSING' });
    expect(await t.client.queryBoundCards({ requestId: rid(), merchantUserId: 'user-5' })).toEqual([]);
  });
});
