/**
 * A merchant notify endpoint that misbehaves by the simulated clock: it drops
 * about half the deliveries (hangs up without answering) and answers some
 * with a redirect, then answers 500 to everything for hours, then recovers.
 * Which delivery is dropped is a pure function of the seed, the notification
 * and how many times it came before, so a run is reproducible.
 *
 * On every delivery it first checks, on a connection of its own to the
 * store, that the state being notified is committed: a notification sent
 * before its transaction committed would show up here as a mismatch.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayEaseClient } from '@opencashier/sdk';
import type { OpenedDatabase } from '../../src/store/database.js';
import { LedgerRepository } from '../../src/store/ledger-repository.js';
import { OrderRepository } from '../../src/store/order-repository.js';
import { RefundRepository } from '../../src/store/refund-repository.js';
import { seededRandom } from './seeded.js';

export interface MerchantPhases {
  /** Until this simulated time: drop about half, redirect some of the rest. */
  flakyUntilMs: number;
  /** Until this simulated time: 500 to everything. Afterwards: SUCCESS. */
  downUntilMs: number;
}

export type Answer = 'dropped' | 'redirect' | 'error500' | 'success';

export interface Arrival {
  key: string;
  status: string;
  atMs: number;
  answer: Answer;
}

export interface FlakyMerchant {
  notifyUrl: string;
  callbackUrl: string;
  arrivals: Arrival[];
  /** Deliveries whose notified state was not (yet) committed when they arrived. */
  uncommitted: string[];
  /** Posts that did not verify. */
  rejected: string[];
  /** Requests that followed a redirect to its target (the gateway must never follow one). */
  redirectTargetHits: number;
  close(): Promise<void>;
}

const DROP_SHARE = 0.5;
/** Of the deliveries not dropped while flaky, the share answered with a redirect to a page that says SUCCESS. */
const REDIRECT_SHARE = 0.2;

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export async function startFlakyMerchant(options: { client: PayEaseClient; merchantId: string; store: OpenedDatabase; clock: () => number; phases: MerchantPhases; seed: number }): Promise<FlakyMerchant> {
  const { client, merchantId, phases, clock } = options;
  const orders = new OrderRepository(options.store.db);
  const refunds = new RefundRepository(options.store.db, new LedgerRepository(options.store.db));
  const arrivals: Arrival[] = [];
  const uncommitted: string[] = [];
  const rejected: string[] = [];
  const seen = new Map<string, number>();
  let redirectTargetHits = 0;
  let origin = '';

  const decide = (key: string, atMs: number): Answer => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (atMs >= phases.downUntilMs) return 'success';
    if (atMs >= phases.flakyUntilMs) return 'error500';
    const roll = seededRandom(hash(`${options.seed}/${key}/${n}`))();
    if (roll < DROP_SHARE) return 'dropped';
    return roll < DROP_SHARE + (1 - DROP_SHARE) * REDIRECT_SHARE ? 'redirect' : 'success';
  };

  const onNotify = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const event = client.parseNotificationEvent(request.headers, Buffer.concat(chunks));
    let key: string;
    let status: string;
    let committed: string | undefined;
    if (event.type === 'ORDER') {
      key = `order:${event.order.requestId}`;
      status = event.order.status;
      committed = (await orders.findByRequest(merchantId, event.order.requestId))?.state;
    } else if (event.type === 'REFUND') {
      key = `refund:${event.refund.requestId}`;
      status = String(event.refund.status);
      committed = (await refunds.findByRequest(merchantId, event.refund.requestId))?.state;
    } else throw new Error(`unexpected ${event.type} notification`);
    if (committed !== status) uncommitted.push(`${key}: notified ${status}, committed ${committed ?? 'nothing'}`);
    const atMs = clock();
    const answer = decide(key, atMs);
    arrivals.push({ key, status, atMs, answer });
    switch (answer) {
      case 'dropped':
        request.socket.destroy();
        return;
      case 'redirect':
        response.writeHead(302, { location: `${origin}/after-redirect` }).end();
        return;
      case 'error500':
        // SUCCESS in the body of an error status is still not an acknowledgement.
        response.writeHead(500, { 'content-type': 'text/plain' }).end('SUCCESS');
        return;
      case 'success':
        response.writeHead(200, { 'content-type': 'text/plain' }).end('SUCCESS');
    }
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://merchant.invalid').pathname;
    if (request.method === 'POST' && path === '/notify') {
      onNotify(request, response).catch((error: unknown) => {
        rejected.push(String(error));
        if (!response.headersSent && !response.destroyed) response.writeHead(400).end('FAIL');
      });
      return;
    }
    if (path === '/after-redirect') {
      redirectTargetHits += 1;
      response.writeHead(200, { 'content-type': 'text/plain' }).end('SUCCESS');
      return;
    }
    response.writeHead(path === '/return' ? 200 : 404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    notifyUrl: `${origin}/notify`,
    callbackUrl: `${origin}/return`,
    arrivals,
    uncommitted,
    rejected,
    get redirectTargetHits() {
      return redirectTargetHits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
