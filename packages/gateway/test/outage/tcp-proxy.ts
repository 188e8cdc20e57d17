/**
 * A loopback TCP relay in front of the test PostgreSQL server: the gateway
 * connects through it, so a test can take "the database" away for real —
 * refuse new connections and cut the open ones, as a stopped server or a
 * failed network does — and bring it back on the same address.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  readonly #targetHost: string;
  readonly #targetPort: number;
  #server: Server | undefined;
  #port = 0;
  readonly #sockets = new Set<Socket>();

  constructor(target: URL) {
    this.#targetHost = target.hostname;
    this.#targetPort = Number(target.port || 5432);
  }

  /** The server URL `serverUrl` as reached through the relay. */
  url(serverUrl: string): string {
    const url = new URL(serverUrl);
    url.port = String(this.#port);
    return url.toString();
  }

  /** Listens (again) on its port: the database is back. */
  async up(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => {
      const upstream = connect(this.#targetPort, this.#targetHost);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Refuses new connections and cuts every open one: the database is gone. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
