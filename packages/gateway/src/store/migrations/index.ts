import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { SqlDialect } from './dialect.js';
import { coreMigration } from './0001-core.js';
import { disputesMigration } from './0002-disputes.js';
import { refundsLedgerMigration } from './0003-refunds-ledger.js';
import { disputesDeliveryMigration } from './0004-disputes-delivery.js';
import { jobLeasesMigration } from './0010-job-leases.js';
import { riskMigration } from './0030-risk.js';
import { crossBorderMigration } from './0050-cross-border.js';
import { merchantDialectsMigration } from './0020-merchant-dialects.js';
import { onlinePayMigration } from './0040-online-pay.js';
import { portalMigration } from './0060-portal.js';
import { fxSellBacksMigration } from './0070-fx-sell-backs.js';
import { customsDeclarationsMigration } from './0071-customs-declarations.js';
import { reconciliationReadIndexMigration } from './0072-reconciliation-read-index.js';
import { merchantBackOfficeMigration } from './0080-merchant-back-office.js';
import { merchantCurrenciesMigration } from './0090-merchant-currencies.js';
import { channelEventsMigration } from './0095-channel-events.js';
import { merchantFormAntiReplayMigration } from './0094-merchant-form-anti-replay.js';
import { portalLoginGuardMigration } from './0110-portal-login-guard.js';
import { notificationOrderSequenceMigration } from './0170-notification-order-sequence.js';
import { cardLast4SearchMigration } from './0171-card-last4-search.js';
import { clusterIdentityMigration } from './0100-cluster-identity.js';

/**
 * Migrations live in code so a single built file carries them, one file
 * each. They are written once for both databases: only portable types
 * (text, bigint) and the auto-increment key differ, chosen per dialect.
 * Names sort in the order they apply; a new one goes at the end.
 */
function migrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001_core': coreMigration(dialect),
    '0002_disputes': disputesMigration,
    '0003_refunds_ledger': refundsLedgerMigration(dialect),
    '0004_disputes_delivery': disputesDeliveryMigration(dialect),
    '0010_job_leases': jobLeasesMigration,
    '0030_risk': riskMigration(dialect),
    '0050_cross_border': crossBorderMigration(dialect),
    '0020_merchant_dialects': merchantDialectsMigration,
    '0040_online_pay': onlinePayMigration,
    '0060_portal': portalMigration(dialect),
    '0070_fx_sell_backs': fxSellBacksMigration,
    '0071_customs_declarations': customsDeclarationsMigration,
    '0072_reconciliation_read_index': reconciliationReadIndexMigration,
    '0080_merchant_back_office': merchantBackOfficeMigration(dialect),
    '0090_merchant_currencies': merchantCurrenciesMigration,
    '0095_channel_events': channelEventsMigration,
    '0094_merchant_form_anti_replay': merchantFormAntiReplayMigration,
    '0110_portal_login_guard': portalLoginGuardMigration,
    '0170_notification_order_sequence': notificationOrderSequenceMigration,
    '0171_card_last4_search': cardLast4SearchMigration,
    '0100_cluster_identity': clusterIdentityMigration,
  };
}

export async function migrateToLatest(db: Kysely<any>, dialect: SqlDialect): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export interface MigrationStatus {
  /** Migrations this code knows, in order, and whether the database has them. */
  known: { name: string; applied: boolean }[];
  /** Migrations the database has that this code does not know: a newer gateway migrated it. */
  unknownApplied: string[];
}

/** Which migrations the database has, compared with those this code carries. Changes nothing. */
export async function migrationStatus(db: Kysely<any>, dialect: SqlDialect): Promise<MigrationStatus> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const infos = await new Migrator({ db, provider }).getMigrations();
  const knownNames = new Set(infos.map((i) => i.name));
  let applied: string[] = [];
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (tables.some((t) => t.name === 'kysely_migration')) {
    applied = (await db.selectFrom('kysely_migration').select('name').execute()).map((r: { name: string }) => r.name);
  }
  return {
    known: infos.map((i) => ({ name: i.name, applied: i.executedAt !== undefined })),
    unknownApplied: applied.filter((name) => !knownNames.has(name)).sort(),
  };
}

/** Why this code must not run against the database's schema, or undefined: a newer gateway migrated it. */
export function schemaTooNew(status: MigrationStatus): string | undefined {
  if (status.unknownApplied.length === 0) return undefined;
  return `the database schema is newer than this gateway understands (applied migrations it does not know: ${status.unknownApplied.join(', ')}); run the gateway version that migrated it, or a newer one`;
}

