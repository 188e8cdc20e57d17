/**
 * A merchant notifyUrl that records the exact bytes it receives: an HTTP/1.1
 * server written on a bare TCP socket, so nothing normalises header names on
 * the way in (Node's http module lower-cases them). It answers every request
 * `SUCCESS` and keeps the connection open, and counts connections.
 */
import net, { type AddressInfo } from 'node:net';

export interface RawRequest {
  /** The request line and header block exactly as received, without the blank line. */
  head: string;
  body: string;
  /** 1-based number of the TCP connection it arrived on. */
  connectionNo: number;
}

export interface RawReceiver {
  url: string;
  requests: RawRequest[];
  connections(): number;
  close(): Promise<void>;
}

const ANSWER = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: keep-alive\r\n\r\nSUCCESS';

export async function startRawReceiver(): Promise<RawReceiver> {
  const requests: RawRequest[] = [];
  const sockets = new Set<net.Socket>();
  let connectionCount = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const connectionNo = ++connectionCount;
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        const lengthMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        const bodyBytes = lengthMatch ? Number(lengthMatch[1]) : 0;
        if (pending.length < end + 4 + bodyBytes) return;
        const body = pending.subarray(end + 4, end + 4 + bodyBytes).toString('utf8');
        pending = pending.subarray(end + 4 + bodyBytes);
        requests.push({ head, body, connectionNo });
        socket.write(ANSWER);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    requests,
    connections: () => connectionCount,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The value of a header matched case-sensitively, as merchant code in the field matches it. */
export function exactHeader(head: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\r\\n${escaped}: ([^\\r\\n]*)`).exec(head)?.[1];
}
