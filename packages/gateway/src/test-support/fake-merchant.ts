/**
 * A real HTTP merchant endpoint on 127.0.0.1 with the behaviours a notifier
 * must cope with. Shipped (not test-only) so integration tests elsewhere and
 * merchants' own tests can exercise notifications against a real socket.
 *
 * Paths: /success, /success-crlf, /lowercase, /fail, /error500,
 * /error500-success (500 whose body is SUCCESS), /redirect (302 → /success),
 * /hang (never answers), /huge (streams until we hang up), /held (answers
 * SUCCESS once `release()` is called).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeMerchant {
  port: number;
  /** URL of a path on this server; `host` defaults to 127.0.0.1 (try 'localhost'). */
  urlFor(path: string, host?: string): string;
  /** Every request that reached the server, body fully read. */
  received: ReceivedRequest[];
  /** Resolves once `count` requests have been received. */
  waitForRequests(count: number): Promise<void>;
  /** Lets the requests waiting on /held answer. */
  release(): void;
  close(): Promise<void>;
}

/** Chunk streamed by /huge; the stream stops after HUGE_BODY_BYTES_MAX so a broken client cannot hang a test run forever. */
const HUGE_CHUNK = Buffer.alloc(64 * 1024, 'x');
const HUGE_BODY_BYTES_MAX = 256 * 1024 * 1024;

export async function startFakeMerchant(): Promise<FakeMerchant> {
  const received: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let releaseHeld!: () => void;
  const held = new Promise<void>((resolve) => (releaseHeld = resolve));

  const answer = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  };
  const streamHuge = (res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    let sentBytes = 0;
    const pump = () => {
      while (!res.destroyed && sentBytes < HUGE_BODY_BYTES_MAX) {
        sentBytes += HUGE_CHUNK.length;
        if (!res.write(HUGE_CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
      switch (path) {
        case '/success': return answer(res, 200, 'SUCCESS');
        case '/success-crlf': return answer(res, 200, '\uFEFFSUCCESS\r\n');
        case '/lowercase': return answer(res, 200, 'success');
        case '/fail': return answer(res, 200, 'FAIL');
        case '/error500': return answer(res, 500, 'Internal Server Error');
        case '/error500-success': return answer(res, 500, 'SUCCESS');
        case '/redirect': return void res.writeHead(302, { location: '/success' }).end();
        case '/hang': return;
        case '/huge': return streamHuge(res);
        case '/held': return void held.then(() => answer(res, 200, 'SUCCESS'));
        default: return answer(res, 404, 'not found');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    received,
    urlFor: (path, host = '127.0.0.1') => `http://${host}:${port}${path}`,
    waitForRequests: (count) =>
      received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    release: () => releaseHeld(),
    close: () =>
      new Promise((resolve) => {
        releaseHeld();
        server.closeAllConnections(); // /hang and /huge connections would keep close() waiting
        server.close(() => resolve());
      }),
  };
}
