import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { OrderMonitor, primeSeen } from './order-monitor.js';
import { MONITOR_HEARTBEAT_MS, MONITOR_POLL_INTERVAL_MS } from './limits.js';

/**
 * The live transaction monitor as server-sent events. Each viewer polls the
 * database on its own cursor, so it sees orders from every node. Streams are
 * tracked so the gateway can end them when it shuts down (an open stream
 * would otherwise hold the server's close open).
 */
export class LiveStreams {
  private readonly open = new Set<() => void>();
  private readonly monitor: OrderMonitor;

  constructor(private readonly db: Kysely<Database>) {
    this.monitor = new OrderMonitor(db);
  }

  async serve(request: FastifyRequest, reply: FastifyReply, merchantId: string | null): Promise<void> {
    // Last-Event-ID: a reconnecting browser resumes where it stopped instead of missing what happened meanwhile.
    const resume = request.headers['last-event-id'];
    const latest = await this.monitor.latestId();
    let cursor = typeof resume === 'string' && /^\d{1,19}$/.test(resume) && BigInt(resume) <= latest ? BigInt(resume) : latest;
    const seen = await primeSeen(this.db, cursor);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    raw.write(`retry: 2000\n: monitor started at event ${cursor}\n\n`);
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let lastWriteMs = Date.now();
    const stop = () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      this.open.delete(stop);
      raw.end();
    };
    this.open.add(stop);
    request.raw.on('close', stop);
    const tick = async () => {
      if (stopped) return;
      try {
        const { events, cursor: next } = await this.monitor.poll(merchantId ?? undefined, cursor, seen);
        cursor = next;
        for (const e of events) raw.write(`id: ${cursor}\nevent: order\ndata: ${JSON.stringify(e)}\n\n`);
        if (events.length > 0) lastWriteMs = Date.now();
        else if (Date.now() - lastWriteMs >= MONITOR_HEARTBEAT_MS) {
          raw.write(': keep-alive\n\n');
          lastWriteMs = Date.now();
        }
      } catch (err) {
        request.log.warn({ err }, 'live monitor poll failed');
      }
      if (!stopped) timer = setTimeout(() => void tick(), MONITOR_POLL_INTERVAL_MS);
    };
    void tick();
  }

  closeAll(): void {
    for (const stop of [...this.open]) stop();
  }
}
