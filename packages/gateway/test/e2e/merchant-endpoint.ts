/**
 * A merchant's web server as the gateway and the payer's browser see it: a
 * notify endpoint that accepts only notifications that decrypt with the
 * merchant key and verify against the gateway certificate (answering the
 * protocol's plain `SUCCESS`), and a return page for the cashier's link.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IccNotification, PayEaseClient } from '@opencashier/sdk';

/** A notification is a few kilobytes; anything larger is not one. */
const NOTIFY_BODY_BYTES_MAX = 64 * 1024;

export interface ReceivedNotification {
  notification: IccNotification;
  /** The unsigned `requestId` header, kept to check it against the signed body. */
  requestIdHeader: string | undefined;
}

export interface MerchantEndpoint {
  notifyUrl: string;
  /** Carries a query parameter of its own, to check that the cashier appends rather than replaces. */
  callbackUrl: string;
  /** Verified notifications for `requestId`, in arrival order (duplicates included). */
  notificationsFor(requestId: string): readonly ReceivedNotification[];
  /** The most recent verified notification for `requestId`. */
  latest(requestId: string): IccNotification | undefined;
  /** Every verified notification so far. */
  all(): readonly ReceivedNotification[];
  /** Posts the endpoint refused, with the reason. Must stay empty. */
  readonly rejected: { reason: string }[];
  /** URLs the payer's browser was sent back to. */
  readonly returns: URL[];
  close(): Promise<void>;
}

export async function startMerchantEndpoint(client: PayEaseClient): Promise<MerchantEndpoint> {
  const received = new Map<string, ReceivedNotification[]>();
  const everything: ReceivedNotification[] = [];
  const rejected: { reason: string }[] = [];
  const returns: URL[] = [];

  const refuse = (response: ServerResponse, reason: string) => {
    rejected.push({ reason });
    response.writeHead(400, { 'content-type': 'text/plain' }).end('FAIL');
  };

  const onNotify = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > NOTIFY_BODY_BYTES_MAX) return refuse(response, 'body too large');
      chunks.push(chunk as Buffer);
    }
    let notification: IccNotification;
    try {
      notification = client.parseNotification(request.headers, Buffer.concat(chunks));
    } catch (error) {
      return refuse(response, `does not verify: ${String(error)}`);
    }
    const requestIdHeader = header(request, 'requestid');
    if (header(request, 'merchantid') !== client.merchantId || notification.merchantId !== client.merchantId) {
      return refuse(response, `wrong merchant ${header(request, 'merchantid')}/${notification.merchantId}`);
    }
    const entry = { notification, requestIdHeader };
    received.set(notification.requestId, [...(received.get(notification.requestId) ?? []), entry]);
    everything.push(entry);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('SUCCESS');
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://merchant.invalid');
    if (request.method === 'POST' && url.pathname === '/notify') {
      onNotify(request, response).catch((error: unknown) => refuse(response, `handler failed: ${String(error)}`));
      return;
    }
    if (request.method === 'GET' && url.pathname === '/return') {
      returns.push(url);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Shop</title><h1 id="merchant-return">Back at the shop</h1>');
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    notifyUrl: `${origin}/notify`,
    callbackUrl: `${origin}/return?shop=demo`,
    notificationsFor: (requestId) => received.get(requestId) ?? [],
    latest: (requestId) => received.get(requestId)?.at(-1)?.notification,
    all: () => everything,
    rejected,
    returns,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
