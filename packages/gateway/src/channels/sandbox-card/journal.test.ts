import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SandboxCardChannel } from './index.js';
import { readJournal } from './journal.js';
import type { AmountMinor } from '../../domain/money.js';

describe('sandbox acquirer book (sandboxJournalFile)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-journal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let nowMs = 1_800_000_000_000;
  const path = join(dir, 'book.ndjson');
  const channel = new SandboxCardChannel({ clock: () => nowMs, unknownResolveDelayMs: 1_000, journalFile: path });
  const authorize = (orderId: string, pan: string) =>
    channel.authorize({ orderId, merchantId: '100000001', amountMinor: 250n as AmountMinor, currency: 'EUR', card: { holder: 'A B', pan, expiryMonth: 1, expiryYear: 2040, cvv: '123', brand: 'Visa' } });

  it('records every authorisation and refund it answers, before answering', async () => {
    const approved = await authorize('order-1', '4242424242424242');
    const refund = await channel.refund(approved.reference, 100n as AmountMinor, 'rf-1', nowMs);
    expect(readJournal(path)).toEqual([
      { kind: 'authorize', orderId: 'order-1', reference: approved.reference, outcome: 'approved', amountMinor: '250', currency: 'EUR', atMs: nowMs },
      { kind: 'refund', refundId: 'rf-1', reference: approved.reference, outcome: refund.outcome, amountMinor: '100', atMs: nowMs },
    ]);
  });

  it('finds an authorisation by order id as a query answers it, and nothing for an order it never saw', async () => {
    const unknown = await authorize('order-2', '4000000000000101');
    expect(unknown.outcome).toBe('unknown');
    expect(await channel.findByOrder('order-2')).toEqual({ outcome: 'unknown', reference: unknown.reference });
    nowMs += 1_000;
    expect(await channel.findByOrder('order-2')).toMatchObject({ outcome: 'approved', reference: unknown.reference });
    expect(await channel.findByOrder('order-never-sent')).toBeUndefined();
    // Without a book the sandbox keeps nothing, so it knows no order.
    expect(await new SandboxCardChannel({ clock: () => nowMs, unknownResolveDelayMs: 1_000 }).findByOrder('order-2')).toBeUndefined();
  });

  it('skips a last line cut short by a crash', () => {
    appendFileSync(path, '{"kind":"authorize","orderId":"order-3","refer');
    expect(readJournal(path).map((e) => e.kind === 'authorize' && e.orderId)).not.toContain('order-3');
    expect(readJournal(path)).toHaveLength(3);
  });

  it('a process started after such a crash writes its entries on a line of their own', async () => {
    const restarted = new SandboxCardChannel({ clock: () => nowMs, unknownResolveDelayMs: 1_000, journalFile: path });
    await restarted.authorize({ orderId: 'order-4', merchantId: '100000001', amountMinor: 1n as AmountMinor, currency: 'EUR', card: { holder: 'A B', pan: '4242424242424242', expiryMonth: 1, expiryYear: 2040, cvv: '123', brand: 'Visa' } });
    expect(await restarted.findByOrder('order-4')).toMatchObject({ outcome: 'approved' });
    expect(readJournal(path)).toHaveLength(4);
  });
});
