import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ERRORS, GatewayError } from '../domain/errors.js';
import { plainErrorBody } from '../protocols/payease/plain-error.js';
import { addDays, businessDate, isBusinessDate, localTimeMs } from '../domain/business-day.js';
import { RECONCILIATION_LINK_TTL_MS } from '../domain/limits.js';
import type { GatewayKeyRing } from '../keys/gateway-keys.js';
import { ExpiringGrant } from '../keys/expiring-grant.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import { reconciliationChunks, signChunks, type ReconciliationSource } from './reconciliation-file.js';

export interface ReconciliationFilesDeps {
  source: ReconciliationSource;
  keys: GatewayKeyRing;
  merchants: MerchantRepository;
  clock: () => number;
  /** Local HH:mm from which the previous day's file is ready. */
  readyTime: string;
  publicBaseUrl: string;
  /** Key of the download links' MAC. */
  linkKey: Buffer;
}

/**
 * Serves reconciliation files: readiness (the day after, from the
 * configured time), streaming with the detached signature, and expiring
 * download links for merchants (a MAC over merchant, day and expiry, so a
 * link opens one merchant's one file for a short time).
 */
export class ReconciliationFiles {
  private readonly grants: ExpiringGrant;

  constructor(private readonly deps: ReconciliationFilesDeps) {
    this.grants = new ExpiringGrant(deps.linkKey, 'reconciliation', deps.clock);
  }

  /** Refuses a malformed date, or a day whose file is not ready yet. */
  checkReady(date: string): void {
    if (!isBusinessDate(date)) throw new GatewayError('FIELD_INVALID', { field: 'businessDate', reason: 'a date YYYY-MM-DD' });
    const readyAtMs = localTimeMs(addDays(date, 1), this.deps.readyTime, this.deps.source.timeZone);
    if (this.deps.clock() < readyAtMs) throw new GatewayError('RECONCILIATION_NOT_READY', { date, readyAt: `${addDays(date, 1)} ${this.deps.readyTime} ${this.deps.source.timeZone}` });
  }

  chunks(merchantId: string, date: string): AsyncGenerator<string> {
    return reconciliationChunks(this.deps.source, merchantId, date);
  }

  async signature(merchantId: string, date: string): Promise<string> {
    return signChunks(this.chunks(merchantId, date), this.deps.keys.current.privateKey);
  }

  /** The most recent day whose file is ready. */
  latestReadyDate(): string {
    const today = businessDate(this.deps.clock(), this.deps.source.timeZone);
    const yesterday = addDays(today, -1);
    try {
      this.checkReady(yesterday);
      return yesterday;
    } catch {
      return addDays(today, -2);
    }
  }

  links(merchantId: string, date: string): { downloadUrl: string; signatureUrl: string; expiresAtMs: number } {
    this.checkReady(date);
    const { grant, expiresAtMs } = this.grants.issue(`${merchantId}:${date}`, RECONCILIATION_LINK_TTL_MS);
    const base = `${this.deps.publicBaseUrl}/reconciliation/files/${merchantId}/${date}/${grant}`;
    return { downloadUrl: `${base}/${merchantId}_${date}.csv`, signatureUrl: `${base}/${merchantId}_${date}.csv.sig`, expiresAtMs };
  }

  /** Streams a file (or its signature) as an HTTP answer. */
  async send(reply: FastifyReply, merchantId: string, date: string, signature: boolean): Promise<FastifyReply> {
    if (signature) return reply.type('text/plain; charset=utf-8').send(`${await this.signature(merchantId, date)}\n`);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${merchantId}_${date}.csv"`)
      .send(Readable.from(this.chunks(merchantId, date)));
  }

  /** The public download route of merchant links. */
  routes() {
    return async (app: FastifyInstance) => {
      app.get<{ Params: { merchantId: string; date: string; grant: string; file: string } }>('/reconciliation/files/:merchantId/:date/:grant/:file', async (request, reply) => {
        const { merchantId, date, grant, file } = request.params;
        const signature = file.endsWith('.sig');
        if (!isBusinessDate(date) || !this.grants.valid(`${merchantId}:${date}`, grant) || file !== `${merchantId}_${date}.csv${signature ? '.sig' : ''}`) {
          return reply.code(ERRORS.NOT_FOUND.httpStatus).send(plainErrorBody('NOT_FOUND'));
        }
        return this.send(reply, merchantId, date, signature);
      });
    };
  }
}
