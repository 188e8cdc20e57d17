import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type ClusterIdentityItem = 'gateway-key-fingerprint' | 'kek-id';

/**
 * The cluster's recorded identity. Recording is insert-if-absent, so of two
 * first nodes starting at once exactly one value is kept and the other node
 * reads it back; replacing needs the value it replaces (a rotation seen by
 * one node does not overwrite a rotation made by another).
 */
export class ClusterIdentityRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async read(item: ClusterIdentityItem): Promise<string | undefined> {
    const row = await this.db.selectFrom('cluster_identity').select('value').where('item', '=', item).executeTakeFirst();
    return row?.value;
  }

  /** Records `value` unless a value is recorded already; the value in force afterwards. */
  async recordIfAbsent(item: ClusterIdentityItem, value: string, nowMs: number, recordedBy: string): Promise<string> {
    await this.db
      .insertInto('cluster_identity')
      .values({ item, value, recorded_at_ms: BigInt(nowMs), recorded_by: recordedBy })
      .onConflict((oc) => oc.column('item').doNothing())
      .execute();
    return (await this.read(item))!;
  }

  /** Replaces `expected` by `value` (a key rotated on this node); false when the recorded value is no longer `expected`. */
  async replace(item: ClusterIdentityItem, expected: string, value: string, nowMs: number, recordedBy: string): Promise<boolean> {
    const result = await this.db
      .updateTable('cluster_identity')
      .set({ value, recorded_at_ms: BigInt(nowMs), recorded_by: recordedBy })
      .where('item', '=', item)
      .where('value', '=', expected)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
