import { request } from 'node:http';

export interface Answer {
  status: number;
  json: any;
  headers: Record<string, string | string[] | undefined>;
  elapsedMs: number;
}

/**
 * A JSON POST sent from a chosen loopback source address (127.0.0.0/8 all
 * reaches the gateway on 127.0.0.1), so a test can be many clients, as an
 * attack from many machines is, without a proxy header the gateway does not
 * trust. A new connection each time: no pooling hides the address.
 */
export function postFrom(localAddress: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, headers: res.headers, elapsedMs: performance.now() - started });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The i-th of many distinct loopback addresses: 127.1.x.y. */
export function loopbackAddress(i: number): string {
  return `127.1.${Math.floor(i / 250)}.${1 + (i % 250)}`;
}

/** The p-th percentile (0–100) of some durations, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
