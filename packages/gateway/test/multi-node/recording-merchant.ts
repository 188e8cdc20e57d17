/**
 * A merchant notify endpoint for several gateway nodes at once: it verifies
 * each notification like a real merchant, holds every answer for a while (so
 * a delivery is still in flight when a node is killed, and a second delivery
 * of the same notification would overlap the first), and records every
 * overlap — two deliveries of one order's notification open at the same time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IccNotification, PayEaseClient } from '@opencashier/sdk';

/** A notification is a few kilobytes; anything larger is not one. */
const NOTIFY_BODY_BYTES_MAX = 64 * 1024;

export interface Overlap {
  requestId: string;
  /** Deliveries of it open at once when the new one arrived. */
  open: number;
}

export interface RecordingMerchant {
  notifyUrl: string;
  callbackUrl: string;
  /** Verified deliveries per requestId, in arrival order (duplicates included). */
  deliveries(requestId: string): readonly IccNotification[];
  /** Overlapping deliveries seen so far. Must stay empty. */
  readonly overlaps: Overlap[];
  /** Posts that did not verify, with the reason. Must stay empty. */
  readonly rejected: string[];
  /** Deliveries whose answer is being held right now. */
  inFlight(): number;
  close(): Promise<void>;
}

export async function startRecordingMerchant(client: PayEaseClient, options: { holdMs: number }): Promise<RecordingMerchant> {
  const received = new Map<string, IccNotification[]>();
  const open = new Map<string, number>();
  const overlaps: Overlap[] = [];
  const rejected: string[] = [];
  let inFlight = 0;

  const onNotify = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > NOTIFY_BODY_BYTES_MAX) throw new Error('body too large');
      chunks.push(chunk as Buffer);
    }
    const notification = client.parseNotification(request.headers, Buffer.concat(chunks));
    const { requestId } = notification;
    received.set(requestId, [...(received.get(requestId) ?? []), notification]);
    const openNow = (open.get(requestId) ?? 0) + 1;
    open.set(requestId, openNow);
    if (openNow > 1) overlaps.push({ requestId, open: openNow });
    inFlight += 1;
    // 'close' fires when the answer is sent and when the gateway's socket dies (a killed node).
    response.once('close', () => {
      open.set(requestId, (open.get(requestId) ?? 1) - 1);
      inFlight -= 1;
    });
    await new Promise((resolve) => setTimeout(resolve, options.holdMs));
    if (!response.destroyed) response.writeHead(200, { 'content-type': 'text/plain' }).end('SUCCESS');
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://merchant.invalid');
    if (request.method === 'POST' && url.pathname === '/notify') {
      onNotify(request, response).catch((error: unknown) => {
        rejected.push(String(error));
        if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/plain' }).end('FAIL');
      });
      return;
    }
    response.writeHead(url.pathname === '/return' ? 200 : 404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    notifyUrl: `${origin}/notify`,
    callbackUrl: `${origin}/return`,
    deliveries: (requestId) => received.get(requestId) ?? [],
    overlaps,
    rejected,
    inFlight: () => inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
