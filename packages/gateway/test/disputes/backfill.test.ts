import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_BYTES_MAX } from '../../src/domain/limits.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { ADMIN_TOKEN, admin, expectLedgerBalanced, paidOrder } from './dispute-support.js';

const DAY_MS = 86_400_000;
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, 7)]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(100, 1)]);

const answer = {
  customerName: 'Han Meimei',
  customerEmail: 'han.meimei@example.com',
  customerPhone: '+86 138-0000-0000',
  customerIp: '203.0.113.9',
  productDescription: 'Silk scarf, red',
  statement: 'The parcel was delivered on 15 January.\nSigned by the cardholder.',
  logisticsCompany: 'China Post EMS',
  trackingNumbers: ['EE123456789CN'],
  deliveryDate: '2025-01-15',
};

/** Everything the attachment store holds, as file names (content digests). */
function storedFiles(dataDir: string): string[] {
  const root = join(dataDir, 'attachments');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
}

describe.each(testDatabases())('retrieval backfill (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let now = Date.now();
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN_TOKEN }, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());

  async function retrieval(requestId: string): Promise<{ orderId: string; disputeId: string }> {
    const orderId = await paidOrder(t, requestId, { amount: '3000' });
    const rr = await t.client.call('sandbox/retrieval', { requestId });
    return { orderId, disputeId: rr.disputeId as string };
  }

  /** A refused answer leaves the case OPEN with no evidence, and writes no file. */
  async function expectUnchanged(disputeId: string, filesBefore: string[]) {
    const d = (await t.gateway.disputes.find(disputeId))!;
    expect(d.status).toBe('OPEN');
    expect(d.evidenceSubmittedAtMs).toBeNull();
    expect(await t.gateway.disputes.evidence(disputeId)).toEqual([]);
    expect(await t.gateway.disputes.history(disputeId)).toHaveLength(1);
    expect(storedFiles(t.config.dataDir)).toEqual(filesBefore);
  }

  it('stores the answer and its attachments as content-addressed files outside the rows', async () => {
    const { disputeId, orderId } = await retrieval('bf-ok');
    const answered = await t.client.submitRetrievalBackfill({
      ...answer,
      requestId: 'bf-ok-1',
      disputeId,
      attachments: [
        { name: 'receipt.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64') },
        { name: 'parcel.png', contentType: 'image/png', contentBase64: PNG.toString('base64') },
      ],
    });
    const pdfDigest = createHash('sha256').update(PDF).digest('hex');
    const pngDigest = createHash('sha256').update(PNG).digest('hex');
    expect(answered).toMatchObject({
      status: 'SUCCESS',
      requestId: 'bf-ok-1',
      orderRequestId: 'bf-ok',
      serialNumber: orderId,
      disputeId,
      disputeStatus: 'EVIDENCE_SUBMITTED',
      attachments: [
        { name: 'receipt.pdf', contentType: 'application/pdf', size: String(PDF.length), sha256: pdfDigest },
        { name: 'parcel.png', contentType: 'image/png', size: String(PNG.length), sha256: pngDigest },
      ],
    });
    expect(storedFiles(t.config.dataDir)).toEqual(expect.arrayContaining([pdfDigest, pngDigest]));
    const [evidence] = await t.gateway.disputes.evidence(disputeId);
    expect(evidence!.details).toEqual(answer);
    expect(evidence!.attachments.map((a) => a.storagePath)).toEqual([join(pdfDigest.slice(0, 2), pdfDigest.slice(2, 4), pdfDigest), join(pngDigest.slice(0, 2), pngDigest.slice(2, 4), pngDigest)]);
    // The operator fetches a file to forward it to the acquirer.
    const res = await fetch(`${t.baseUrl}/admin/v1/disputes/${disputeId}/attachments/${pdfDigest}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    const shown = await admin(t, 'GET', `/disputes/${disputeId}`);
    expect(shown.json.evidence).toMatchObject([{ requestId: 'bf-ok-1', customerEmail: answer.customerEmail, attachments: [{ name: 'receipt.pdf', sizeBytes: PDF.length }, { name: 'parcel.png' }] }]);
    // Queried by the merchant, by the order's serialNumber.
    expect(await t.client.queryDispute({ serialNumber: orderId })).toMatchObject({ disputeId, disputeStatus: 'EVIDENCE_SUBMITTED', orderRequestId: 'bf-ok' });
  });

  it('answers a replay with the same answer; refuses other content under the same number and a second answer', async () => {
    const { disputeId } = await retrieval('bf-replay');
    const first = await t.client.submitRetrievalBackfill({ ...answer, requestId: 'bf-replay-1', disputeId });
    const again = await t.client.submitRetrievalBackfill({ ...answer, requestId: 'bf-replay-1', disputeId });
    expect(again.evidenceId).toBe(first.evidenceId);
    await expect(t.client.submitRetrievalBackfill({ ...answer, statement: 'Something else.', requestId: 'bf-replay-1', disputeId })).rejects.toMatchObject({ code: 'REQUEST_ID_CONFLICT' });
    await expect(t.client.submitRetrievalBackfill({ ...answer, requestId: 'bf-replay-2', disputeId })).rejects.toMatchObject({ code: 'DISPUTE_ALREADY_ANSWERED' });
    await expect(t.client.submitRetrievalBackfill({ ...answer, disputeId })).rejects.toMatchObject({ code: 'DISPUTE_ALREADY_ANSWERED' });
    expect(await t.gateway.disputes.evidence(disputeId)).toHaveLength(1);
  });

  it('refuses an answer for a closed case, with DISPUTE_CLOSED, changing nothing', async () => {
    const { disputeId } = await retrieval('bf-closed');
    await admin(t, 'POST', `/disputes/${disputeId}/decide`, { outcome: 'WON' });
    const before = storedFiles(t.config.dataDir);
    await expect(t.client.submitRetrievalBackfill({ ...answer, disputeId, attachments: [{ name: 'late.pdf', contentType: 'application/pdf', contentBase64: Buffer.concat([PDF, Buffer.from('late')]).toString('base64') }] })).rejects.toMatchObject({ code: 'DISPUTE_CLOSED' });
    expect((await t.gateway.disputes.find(disputeId))!.status).toBe('WON');
    expect(await t.gateway.disputes.evidence(disputeId)).toEqual([]);
    expect(storedFiles(t.config.dataDir)).toEqual(before);
  });

  it('refuses an answer after the deadline, then the deadline job expires the case', async () => {
    const { disputeId, orderId } = await retrieval('bf-late');
    const cb = await t.client.call('sandbox/chargeback', { requestId: 'bf-late', amount: '1000' });
    const before = storedFiles(t.config.dataDir);
    now += 21 * DAY_MS;
    try {
      await expect(t.client.submitRetrievalBackfill({ ...answer, disputeId })).rejects.toMatchObject({ code: 'DISPUTE_DEADLINE_PASSED' });
      await expectUnchanged(disputeId, before);
      await t.gateway.disputes.expireOverdue(100);
      expect((await t.gateway.disputes.find(disputeId))!.status).toBe('EXPIRED');
      // An expired chargeback leaves the money taken.
      expect(await t.gateway.disputes.find(cb.disputeId as string)).toMatchObject({ status: 'EXPIRED', heldMinor: 1000n });
      expect((await t.gateway.ledger.forOrder(orderId)).map((p) => p.journalKind)).toContain('chargeback_lost');
      await expectLedgerBalanced(t);
      await expect(t.client.submitRetrievalBackfill({ ...answer, disputeId })).rejects.toMatchObject({ code: 'DISPUTE_CLOSED' });
      const notes = (await t.gateway.notifications.forOrder(orderId)).map((n) => JSON.parse(n.payloadJson)).filter((p) => p.disputeEvent === 'EXPIRED');
      expect(notes.map((p) => p.notifyType).sort()).toEqual(['CHARGEBACK', 'RETRIEVAL']);
    } finally {
      now -= 21 * DAY_MS;
    }
  });

  it.each([
    ['an attachment over the size limit', () => [{ name: 'big.pdf', contentType: 'application/pdf', contentBase64: Buffer.concat([PDF, Buffer.alloc(ATTACHMENT_BYTES_MAX)]).toString('base64') }], 'ATTACHMENT_TOO_LARGE'],
    // Two full-size files and a small one: each within its limit, together over ATTACHMENTS_TOTAL_BYTES_MAX.
    ['attachments over the total limit', () => [ATTACHMENT_BYTES_MAX, ATTACHMENT_BYTES_MAX, 100_000].map((size, i) => ({ name: `scan${i}.pdf`, contentType: 'application/pdf', contentBase64: Buffer.concat([PDF, Buffer.alloc(size - PDF.length, i)]).toString('base64') })), 'ATTACHMENT_TOO_LARGE'],
    ['a GIF', () => [{ name: 'photo.gif', contentType: 'image/gif', contentBase64: GIF.toString('base64') }], 'ATTACHMENT_TYPE_NOT_ALLOWED'],
    ['a PNG declared as a PDF', () => [{ name: 'receipt.pdf', contentType: 'application/pdf', contentBase64: PNG.toString('base64') }], 'ATTACHMENT_TYPE_NOT_ALLOWED'],
    ['an executable declared as a PDF', () => [{ name: 'receipt.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('MZ\x90\x00rest of a program').toString('base64') }], 'ATTACHMENT_TYPE_NOT_ALLOWED'],
    ['six attachments', () => Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.png`, contentType: 'image/png', contentBase64: PNG.toString('base64') })), 'FIELD_INVALID'],
    ['a path as a file name', () => [{ name: '../../etc/passwd', contentType: 'application/pdf', contentBase64: PDF.toString('base64') }], 'FIELD_INVALID'],
    ['content that is not base64', () => [{ name: 'x.pdf', contentType: 'application/pdf', contentBase64: 'not base64!' }], 'FIELD_INVALID'],
  ])('refuses %s and changes nothing', async (name, attachments, code) => {
    const { disputeId } = await retrieval(`bf-att-${name.replace(/\W/g, '')}`);
    const before = storedFiles(t.config.dataDir);
    await expect(t.client.submitRetrievalBackfill({ ...answer, disputeId, attachments: attachments() })).rejects.toMatchObject({ code });
    await expectUnchanged(disputeId, before);
  });

  it.each([
    ['a malformed e-mail', { customerEmail: 'han.example.com' }, 'FIELD_INVALID'],
    ['a malformed IP', { customerIp: '300.1.1.1' }, 'FIELD_INVALID'],
    ['a delivery date that does not exist', { deliveryDate: '2025-02-30' }, 'FIELD_INVALID'],
    ['a delivery date in the future', { deliveryDate: '2999-01-01' }, 'FIELD_INVALID'],
    ['tracking numbers without a carrier', { logisticsCompany: undefined }, 'FIELD_INVALID'],
    ['a repeated tracking number', { trackingNumbers: ['EE1', 'EE1'] }, 'FIELD_INVALID'],
    ['no statement', { statement: '' }, 'FIELD_MISSING'],
    ['a statement with a NUL', { statement: 'ok\u0000' }, 'FIELD_INVALID'],
    ['no customer name', { customerName: undefined }, 'FIELD_MISSING'],
  ])('refuses %s and changes nothing', async (name, patch, code) => {
    const { disputeId } = await retrieval(`bf-field-${name.replace(/\W/g, '')}`);
    const request = Object.fromEntries(Object.entries({ ...answer, disputeId, ...patch }).filter(([, v]) => v !== undefined));
    await expect(t.client.call('icc/retrieval/backfill', request)).rejects.toMatchObject({ code });
    await expectUnchanged(disputeId, storedFiles(t.config.dataDir));
  });

  it('does not find a case that does not exist or is another merchant\'s', async () => {
    await expect(t.client.submitRetrievalBackfill({ ...answer, disputeId: 'dp0000' })).rejects.toMatchObject({ code: 'DISPUTE_NOT_FOUND' });
    await expect(t.client.queryDispute({ disputeId: 'dp0000' })).rejects.toMatchObject({ code: 'DISPUTE_NOT_FOUND' });
  });

  it('takes the same answer as evidence against an open chargeback, with a body far above the default limit', async () => {
    const orderId = await paidOrder(t, 'bf-cb', { amount: '9000' });
    const cb = await t.client.call('sandbox/chargeback', { requestId: 'bf-cb' });
    const large = Buffer.concat([PDF, Buffer.alloc(ATTACHMENT_BYTES_MAX - PDF.length, 0x41)]);
    const answered = await t.client.submitRetrievalBackfill({ ...answer, serialNumber: orderId, attachments: [{ name: 'invoice.pdf', contentType: 'application/pdf', contentBase64: large.toString('base64') }] });
    expect(answered).toMatchObject({ disputeId: cb.disputeId, disputeStage: 'CHARGEBACK', disputeStatus: 'EVIDENCE_SUBMITTED', attachments: [{ size: String(ATTACHMENT_BYTES_MAX) }] });
    // Still held until the acquirer decides.
    expect(await t.gateway.orders.find(orderId)).toMatchObject({ disputedMinor: 9000n });
  });

  it('refuses a body far over the total with BODY_TOO_LARGE, and keeps the default body limit on other routes', async () => {
    const { disputeId } = await retrieval('bf-body');
    const five = Array.from({ length: 5 }, (_, i) => ({ name: `scan${i}.pdf`, contentType: 'application/pdf', contentBase64: Buffer.concat([PDF, Buffer.alloc(ATTACHMENT_BYTES_MAX - PDF.length, i)]).toString('base64') }));
    await expect(t.client.submitRetrievalBackfill({ ...answer, disputeId, attachments: five })).rejects.toMatchObject({ status: 413 });
    await expectUnchanged(disputeId, storedFiles(t.config.dataDir));
    await expect(t.client.call('icc/refund', { requestId: 'bf-huge', orderId: 'x', remark: 'x'.repeat(200 * 1024) })).rejects.toMatchObject({ status: 413 });
  });
});
