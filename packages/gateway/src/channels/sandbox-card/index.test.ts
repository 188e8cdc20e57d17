import { describe, expect, it } from 'vitest';
import { SandboxCardChannel } from './index.js';
import { MAGIC_CARDS, SANDBOX_CHALLENGE_CODE } from './magic-cards.js';
import { decodeReference } from './transformers.js';
import type { AmountMinor } from '../../domain/money.js';

describe('sandbox card channel', () => {
  let nowMs = 1_800_000_000_000;
  const channel = new SandboxCardChannel({ clock: () => nowMs, unknownResolveDelayMs: 1_000 });
  const authorize = (pan: string) =>
    channel.authorize({ orderId: 'o', merchantId: '100000001', amountMinor: 100n as AmountMinor, currency: 'USD', card: { holder: 'A B', pan, expiryMonth: 1, expiryYear: 2040, cvv: '123', brand: 'Visa' } });

  it('gives every magic card its documented first outcome', async () => {
    for (const card of MAGIC_CARDS) {
      const result = await authorize(card.pan);
      const expected = { approve: 'approved', chargeback: 'approved', retrieval: 'approved', 'refund-fails': 'approved', 'refund-pending': 'approved', decline: 'declined', challenge: 'challenge', unknown: 'unknown' }[card.scenario.kind];
      expect(result.outcome, card.pan).toBe(expected);
      if (card.scenario.kind === 'decline') expect(result).toMatchObject({ declineCode: card.scenario.code });
    }
  });

  it('resolves unknown outcomes only after the delay, from the reference alone', async () => {
    const approved = await authorize('4000000000000101');
    const declined = await authorize('4000000000002016');
    expect((await channel.query(approved.reference)).outcome).toBe('unknown');
    nowMs += 1_000;
    expect((await channel.query(approved.reference)).outcome).toBe('approved');
    expect(await channel.query(declined.reference)).toMatchObject({ outcome: 'declined', declineCode: 'DO_NOT_HONOR' });
  });

  it('passes the challenge with the sandbox code only', async () => {
    const { reference } = await authorize('4000000000003220');
    expect((await channel.completeChallenge(reference, SANDBOX_CHALLENGE_CODE)).outcome).toBe('approved');
    expect(await channel.completeChallenge(reference, '000000')).toMatchObject({ outcome: 'declined', declineCode: 'AUTHENTICATION_FAILED' });
  });

  it('refunds by the authorisation\'s scenario: fails, pending until the delay, or succeeds; the same refund id gives the same reference', async () => {
    const plain = await authorize('4242424242424242');
    const failing = await authorize('4000000000005126');
    const pending = await authorize('4000000000007726');
    const first = await channel.refund(plain.reference, 50n as AmountMinor, 'rf1', nowMs);
    expect(first.outcome).toBe('succeeded');
    expect(await channel.refund(plain.reference, 50n as AmountMinor, 'rf1', nowMs)).toEqual(first);
    expect((await channel.refund(failing.reference, 50n as AmountMinor, 'rf2', nowMs)).outcome).toBe('failed');
    const askedAt = nowMs;
    expect((await channel.refund(pending.reference, 50n as AmountMinor, 'rf3', askedAt)).outcome).toBe('pending');
    nowMs += 1_000;
    expect((await channel.refund(pending.reference, 50n as AmountMinor, 'rf3', askedAt)).outcome).toBe('succeeded');
    expect((await channel.refund('not-a-reference', 50n as AmountMinor, 'rf4', nowMs)).outcome).toBe('failed');
  });

  it('does not take a forged reference for a real one', async () => {
    expect(decodeReference('sbx_dn-MADE_UP_lx_abc')).toBeUndefined();
    expect(decodeReference('sbx___proto___lx_abc')).toBeUndefined();
    expect(decodeReference('sbx_constructor_lx_abc')).toBeUndefined();
    expect(await channel.query('not-a-reference')).toMatchObject({ outcome: 'declined', declineCode: 'PROCESSING_ERROR' });
    expect(await channel.findByOrder('o')).toBeUndefined();
  });
});
