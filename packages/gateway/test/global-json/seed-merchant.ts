/**
 * A merchant's server written only from seed 003 (not from the SDK or the
 * gateway): it receives notifications, checks `sign` by its own reading of
 * the rule (sorted non-empty fields, `k=v&…&key=secret`, MD5 lower-case
 * hex), and answers the text `success` — or what a test tells it to.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeedNotification {
  fields: Record<string, string>;
  signValid: boolean;
}

export interface SeedMerchant {
  notifyUrl: string;
  callbackUrl: string;
  received: SeedNotification[];
  /** What the server answers notifications with (default `success`). */
  answer: string;
  for(mchOrderNo: string): SeedNotification[];
  close(): Promise<void>;
}

/** The seed's rule, written out again independently of the SDK. */
export function seedSign(fields: Record<string, unknown>, secret: string): string {
  const keys = Object.keys(fields).filter((k) => k !== 'sign' && fields[k] !== '' && fields[k] !== null && fields[k] !== undefined);
  keys.sort();
  const plain = keys.map((k) => `${k}=${String(fields[k])}`).join('&') + `&key=${secret}`;
  return createHash('md5').update(Buffer.from(plain, 'utf8')).digest('hex');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSeedMerchant(secret: () => string): Promise<SeedMerchant> {
  const received: SeedNotification[] = [];
  const state = { answer: 'success' };
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      if (request.url?.startsWith('/notify') && request.method === 'POST') {
        const fields = JSON.parse(body) as Record<string, string>;
        received.push({ fields, signValid: fields.sign === seedSign(fields, secret()) });
        response.writeHead(200, { 'content-type': 'text/plain' }).end(state.answer);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html' }).end('<p>back at the shop</p>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    notifyUrl: `http://127.0.0.1:${port}/notify`,
    callbackUrl: `http://127.0.0.1:${port}/return`,
    received,
    get answer() {
      return state.answer;
    },
    set answer(value: string) {
      state.answer = value;
    },
    for: (mchOrderNo) => received.filter((n) => n.fields.mch_order_no === mchOrderNo),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
