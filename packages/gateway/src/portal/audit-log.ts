import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AuditActor {
  userId: string | null;
  email: string;
  clientIp: string | null;
}

export interface AuditEntry {
  id: string;
  atMs: number;
  actorUserId: string | null;
  actorEmail: string;
  merchantId: string | null;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  clientIp: string | null;
}

/** Money and other bigints go into the log as strings, like on the wire. */
function json(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Who did what, when, to what, with the state before and after. Append-only: there is no update or delete. */
export class AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async record(
    actor: AuditActor,
    entry: { merchantId: string | null; action: string; target: string; before?: unknown; after?: unknown },
    nowMs: number,
    db: Db = this.db,
  ): Promise<void> {
    await db
      .insertInto('portal_audit')
      .values({
        at_ms: BigInt(nowMs),
        actor_user_id: actor.userId,
        actor_email: actor.email,
        merchant_id: entry.merchantId,
        action: entry.action,
        target: entry.target,
        before_json: json(entry.before),
        after_json: json(entry.after),
        client_ip: actor.clientIp,
      })
      .execute();
  }

  /** Newest first; a merchant's own entries, or everyone's for operators. */
  async list(filter: { merchantId?: string; limit: number; beforeId?: bigint }): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('portal_audit').selectAll();
    if (filter.merchantId) q = q.where('merchant_id', '=', filter.merchantId);
    if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
    const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map((r) => ({
      id: String(r.id),
      atMs: Number(r.at_ms),
      actorUserId: r.actor_user_id,
      actorEmail: r.actor_email,
      merchantId: r.merchant_id,
      action: r.action,
      target: r.target,
      before: r.before_json ? (JSON.parse(r.before_json) as unknown) : null,
      after: r.after_json ? (JSON.parse(r.after_json) as unknown) : null,
      clientIp: r.client_ip,
    }));
  }
}
