import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { FeePlan } from '../domain/fee-plan.js';

/** Per-merchant pricing: the FX markup, the settlement cycle, and fee plans. */
export class PricingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async markup(merchantId: string): Promise<{ fxMarkupBps: number; settlementDelayDays: number | null } | undefined> {
    const row = await this.db.selectFrom('merchant_pricing').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst();
    return row ? { fxMarkupBps: Number(row.fx_markup_bps), settlementDelayDays: row.settlement_delay_days === null ? null : Number(row.settlement_delay_days) } : undefined;
  }

  async setMarkup(merchantId: string, fxMarkupBps: number, settlementDelayDays: number | null, nowMs: number): Promise<void> {
    const values = { fx_markup_bps: BigInt(fxMarkupBps), settlement_delay_days: settlementDelayDays === null ? null : BigInt(settlementDelayDays), updated_at_ms: BigInt(nowMs) };
    await this.db
      .insertInto('merchant_pricing')
      .values({ merchant_id: merchantId, ...values })
      .onConflict((oc) => oc.column('merchant_id').doUpdateSet(values))
      .execute();
  }

  async feePlans(merchantId: string): Promise<FeePlan[]> {
    const rows = await this.db.selectFrom('fee_plans').selectAll().where('merchant_id', '=', merchantId).orderBy('method').orderBy('currency').execute();
    return rows.map((r) => ({
      method: r.method,
      currency: r.currency,
      percentBps: Number(r.percent_bps),
      fixedMinor: BigInt(r.fixed_minor),
      minimumMinor: BigInt(r.minimum_minor),
    }));
  }

  /** Replaces a merchant's fee plans as a whole: what the operator sends is the plan. */
  async replaceFeePlans(merchantId: string, plans: readonly FeePlan[], nowMs: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('fee_plans').where('merchant_id', '=', merchantId).execute();
      if (plans.length === 0) return;
      await tx
        .insertInto('fee_plans')
        .values(
          plans.map((p) => ({
            merchant_id: merchantId,
            method: p.method,
            currency: p.currency,
            percent_bps: BigInt(p.percentBps),
            fixed_minor: p.fixedMinor,
            minimum_minor: p.minimumMinor,
            updated_at_ms: BigInt(nowMs),
          })),
        )
        .execute();
    });
  }
}
