/**
 * A merchant notify endpoint for several gateway nodes at once: it verifies
 * each notification like a real merchant, holds every answer for a while (so
 * a delivery is still in flight when a node is killed, and a second delivery
 * of the same notification would overlap the first), and records every
 * overlap — two deliveries of one notification (an order's, a refund's) open
 * at the same time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayEaseClient } from '@opencashier/sdk';

/** A notification is a few kilobytes; anything larger is not one. */
const NOTIFY_BODY_BYTES_MAX = 64 * 1024;

/** One verified delivery: what it was about and the status it carried. */
export interface Delivery {
  /** `order:<requestId>` or `refund:<refund requestId>` (or the dispute's id). */
  key: string;
  status: string;
}

export interface Overlap {
  key: string;
  /** Deliveries of it open at once when the new one arrived. */
  open: number;
}

export interface RecordingMerchant {
  notifyUrl: string;
  callbackUrl: string;
  /** Verified deliveries for `order:<requestId>` or `refund:<requestId>`, in arrival order (duplicates included). */
  deliveries(key: string): readonly Delivery[];
  /** Overlapping deliveries seen so far. Must stay empty. */
  readonly overlaps: Overlap[];
  /** Posts that did not verify, with the reason. Must stay empty. */
  readonly rejected: string[];
  /** Deliveries whose answer is being held right now. */
  inFlight(): number;
  close(): Promise<void>;
}

export async function startRecordingMerchant(client: PayEaseClient, options: { holdMs: number }): Promise<RecordingMerchant> {
  const received = new Map<string, Delivery[]>();
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
    const event = client.parseNotificationEvent(request.headers, Buffer.concat(chunks));
    const delivery: Delivery =
      event.type === 'ORDER'
        ? { key: `order:${event.order.requestId}`, status: event.order.status }
        : event.type === 'REFUND'
          ? { key: `refund:${event.refund.requestId}`, status: String(event.refund.status) }
          : 'dispute' in event
            ? { key: `dispute:${event.dispute.disputeId}`, status: String(event.dispute['status'] ?? '') }
            : { key: `fx:${event.fxOrder.requestId}:${event.type}`, status: event.fxOrder.status };
    const { key } = delivery;
    received.set(key, [...(received.get(key) ?? []), delivery]);
    const openNow = (open.get(key) ?? 0) + 1;
    open.set(key, openNow);
    if (openNow > 1) overlaps.push({ key, open: openNow });
    inFlight += 1;
    // 'close' fires when the answer is sent and when the gateway's socket dies (a killed node).
    response.once('close', () => {
      open.set(key, (open.get(key) ?? 1) - 1);
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
    deliveries: (key) => received.get(key) ?? [],
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
