import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, MerchantTable } from './schema.js';

export interface Merchant {
  merchantId: string;
  name: string;
  status: 'active' | 'suspended';
  sandbox: boolean;
  /** Hosts allowed in notifyUrl / callbackUrl; `*` allows any host. */
  allowedHosts: string[];
  /** The currencies its orders may be in (refused with CURRENCY_UNSUPPORTED otherwise); null or absent: every currency. */
  currencies?: string[] | null;
  /** The form gateway's anti-replay option: every order form must carry a fresh orderTimestamp. */
  formAntiReplay?: boolean;
  createdAtMs: number;
}

export interface MerchantCertificate {
  id: string;
  certificatePem: string;
  fingerprintSha256: string;
  notAfterMs: number;
  createdAtMs: number;
  retiresAtMs: number | null;
}

function certificateRecord(certificate: X509Certificate, nowMs: number): MerchantCertificate {
  return {
    id: randomUUID(),
    certificatePem: certificate.toString(),
    fingerprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
    notAfterMs: Date.parse(certificate.validTo),
    createdAtMs: nowMs,
    retiresAtMs: null,
  };
}

async function insertCertificateRow(db: Kysely<Database>, merchantId: string, cert: MerchantCertificate): Promise<void> {
  await db
    .insertInto('merchant_certificates')
    .values({
      id: cert.id,
      merchant_id: merchantId,
      certificate_pem: cert.certificatePem,
      fingerprint_sha256: cert.fingerprintSha256,
      not_after_ms: BigInt(cert.notAfterMs),
      created_at_ms: BigInt(cert.createdAtMs),
      retires_at_ms: null,
    })
    .execute();
}

export class MerchantRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(m: Omit<Merchant, 'createdAtMs' | 'status'> & { status?: Merchant['status'] }, nowMs: number): Promise<Merchant> {
    const merchant: Merchant = { ...m, status: m.status ?? 'active', createdAtMs: nowMs };
    await this.db
      .insertInto('merchants')
      .values({
        merchant_id: merchant.merchantId,
        name: merchant.name,
        status: merchant.status,
        sandbox: merchant.sandbox ? 1n : 0n,
        allowed_hosts: JSON.stringify(merchant.allowedHosts),
        created_at_ms: BigInt(nowMs),
        ...(merchant.currencies ? { allowed_currencies: JSON.stringify(merchant.currencies) } : {}),
      })
      .execute();
    return merchant;
  }

  /** A new merchant and its first certificate in one transaction: a failure leaves no half-made merchant. */
  async createWithCertificate(m: Omit<Merchant, 'createdAtMs' | 'status'>, certificate: X509Certificate, nowMs: number): Promise<Merchant> {
    return this.db.transaction().execute(async (tx) => {
      const repository = new MerchantRepository(tx);
      const merchant = await repository.create(m, nowMs);
      await repository.insertCertificate(merchant.merchantId, certificate, nowMs);
      return merchant;
    });
  }

  async find(merchantId: string): Promise<Merchant | undefined> {
    const row = await this.db.selectFrom('merchants').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst();
    return row ? toMerchant(row) : undefined;
  }

  async list(): Promise<Merchant[]> {
    return (await this.db.selectFrom('merchants').selectAll().orderBy('merchant_id').execute()).map(toMerchant);
  }

  async setStatus(merchantId: string, status: Merchant['status']): Promise<boolean> {
    const r = await this.db.updateTable('merchants').set({ status }).where('merchant_id', '=', merchantId).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Sandbox (test helpers, private notify addresses) or live. */
  async setSandbox(merchantId: string, sandbox: boolean): Promise<boolean> {
    const r = await this.db.updateTable('merchants').set({ sandbox: sandbox ? 1n : 0n }).where('merchant_id', '=', merchantId).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Turns the form gateway's anti-replay option on or off. */
  async setFormAntiReplay(merchantId: string, on: boolean): Promise<boolean> {
    const result = await this.db.updateTable('merchants').set({ form_anti_replay: on ? 1 : 0 }).where('merchant_id', '=', merchantId).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The currencies its orders may be in; null: every currency. */
  async setCurrencies(merchantId: string, currencies: string[] | null): Promise<boolean> {
    const r = await this.db
      .updateTable('merchants')
      .set({ allowed_currencies: currencies === null ? null : JSON.stringify(currencies) })
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async setAllowedHosts(merchantId: string, hosts: string[]): Promise<boolean> {
    const r = await this.db
      .updateTable('merchants')
      .set({ allowed_hosts: JSON.stringify(hosts) })
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /**
   * Adds a certificate. Certificates already current keep verifying for
   * `overlapMs` more, so a merchant can switch keys without a failed request.
   */
  async addCertificate(merchantId: string, certificate: X509Certificate, nowMs: number, overlapMs: number): Promise<MerchantCertificate> {
    const cert = certificateRecord(certificate, nowMs);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('merchant_certificates')
        .set({ retires_at_ms: BigInt(nowMs + overlapMs) })
        .where('merchant_id', '=', merchantId)
        .where('retires_at_ms', 'is', null)
        .execute();
      await insertCertificateRow(tx, merchantId, cert);
    });
    return cert;
  }

  /** The first certificate of a merchant (nothing to retire), on this repository's connection or transaction. */
  private async insertCertificate(merchantId: string, certificate: X509Certificate, nowMs: number): Promise<void> {
    await insertCertificateRow(this.db, merchantId, certificateRecord(certificate, nowMs));
  }

  /** Certificates that verify now, the current one first: it encrypts answers to the merchant. */
  async verifyingCertificates(merchantId: string, nowMs: number): Promise<MerchantCertificate[]> {
    const rows = await this.db
      .selectFrom('merchant_certificates')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where((eb) => eb.or([eb('retires_at_ms', 'is', null), eb('retires_at_ms', '>', BigInt(nowMs))]))
      .orderBy('created_at_ms', 'desc')
      .execute();
    const current = (r: (typeof rows)[number]) => (r.retires_at_ms === null ? 1 : 0);
    rows.sort((a, b) => current(b) - current(a));
    return rows.map((r) => ({
      id: r.id,
      certificatePem: r.certificate_pem,
      fingerprintSha256: r.fingerprint_sha256,
      notAfterMs: Number(r.not_after_ms),
      createdAtMs: Number(r.created_at_ms),
      retiresAtMs: r.retires_at_ms === null ? null : Number(r.retires_at_ms),
    }));
  }
}

function toMerchant(row: Selectable<MerchantTable>): Merchant {
  return {
    merchantId: row.merchant_id,
    name: row.name,
    status: row.status,
    sandbox: Number(row.sandbox) === 1,
    allowedHosts: JSON.parse(row.allowed_hosts) as string[],
    currencies: row.allowed_currencies ? (JSON.parse(row.allowed_currencies) as string[]) : null,
    formAntiReplay: Number(row.form_anti_replay) === 1,
    createdAtMs: Number(row.created_at_ms),
  };
}
