import { randomBytes } from 'node:crypto';
import { loadCertificate } from '@opencashier/sdk';
import { MAGIC_CARDS, SANDBOX_CHALLENGE_CODE } from '../channels/sandbox-card/magic-cards.js';
import { checkMerchantUrl } from '../orders/merchant-urls.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { Database } from '../store/schema.js';
import type { Kysely } from 'kysely';
import type { AccountService } from './account-service.js';
import { portalError } from './portal-error.js';
import { merchantOf } from './refund-approval-routes.js';
import { RequestLog } from './request-log.js';
import type { PortalRoute } from './route-table.js';
import { bodyOf, requiredText } from './request-fields.js';

export interface IntegrationRoutesDeps {
  db: Kysely<Database>;
  accounts: AccountService;
  merchants: MerchantRepository;
  clock: () => number;
  /** How long the previous certificate keeps verifying after an upload (keyRotationOverlapMs). */
  certificateOverlapMs: number;
  /** The gateway's log of merchant API calls (batched writes); one over `db` when not given. */
  requestLog?: RequestLog;
}

const REQUEST_LOG_LISTED = 200;
const ALLOWED_HOSTS_MAX = 20;
/** A host name, or `*.` and a domain for its subdomains; not `*` alone, which only an operator may grant. */
const HOST_PATTERN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const CERTIFICATE_PEM_CHARS_MAX = 16 * 1024;

function parseHosts(text: string): string[] {
  const hosts = [...new Set(text.split(/[\s,]+/).map((h) => h.trim().toLowerCase()).filter((h) => h !== ''))];
  if (hosts.length === 0) throw portalError('FIELD_MISSING', { field: 'hosts' });
  if (hosts.length > ALLOWED_HOSTS_MAX) throw portalError('FIELD_INVALID', { field: 'hosts', reason: `at most ${ALLOWED_HOSTS_MAX}` });
  for (const h of hosts) if (h.length > 253 || !HOST_PATTERN.test(h)) throw portalError('FIELD_INVALID', { field: 'hosts', reason: `${h.slice(0, 60)} is not a host name (or *.domain)` });
  return hosts;
}

/**
 * The integration page: the merchant id, its certificates (upload a new
 * one; the previous keeps verifying for the overlap), the hosts its
 * notify / callback URLs may use, the sandbox test cards, a test
 * notification, and the log of its recent API calls.
 */
export function integrationRoutes(deps: IntegrationRoutesDeps): PortalRoute[] {
  const certificatesOf = async (merchantId: string) =>
    (await deps.merchants.verifyingCertificates(merchantId, deps.clock())).map((c) => ({ fingerprintSha256: c.fingerprintSha256, notAfterMs: c.notAfterMs, createdAtMs: c.createdAtMs, retiresAtMs: c.retiresAtMs }));
  return [
    {
      method: 'GET',
      url: '/m/integration',
      permission: 'merchant.view',
      handler: async (ctx) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        return {
          merchantId: merchant.merchantId,
          name: merchant.name,
          sandbox: merchant.sandbox,
          status: merchant.status,
          allowedHosts: merchant.allowedHosts,
          certificates: await certificatesOf(merchant.merchantId),
          // Documented test numbers of the sandbox acquirer, not card data.
          testCards: merchant.sandbox ? MAGIC_CARDS.map((c) => ({ pan: c.pan, brand: c.brand, description: c.description })) : [],
          challengeCode: merchant.sandbox ? SANDBOX_CHALLENGE_CODE : null,
        };
      },
    },
    {
      method: 'GET',
      url: '/m/integration/requests',
      permission: 'merchant.settings',
      handler: async (ctx) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const log = deps.requestLog ?? new RequestLog(deps.db);
        await log.flush();
        return { requests: await log.list(merchant.merchantId, REQUEST_LOG_LISTED) };
      },
    },
    {
      method: 'POST',
      url: '/m/integration/certificate',
      permission: 'merchant.settings',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const pem = requiredText(bodyOf(request), 'certificatePem', CERTIFICATE_PEM_CHARS_MAX);
        let certificate;
        try {
          certificate = loadCertificate(Buffer.from(pem, 'utf8'));
        } catch {
          throw portalError('FIELD_INVALID', { field: 'certificatePem', reason: 'not an X.509 certificate (PEM)' });
        }
        const nowMs = deps.clock();
        if (Date.parse(certificate.validTo) <= nowMs) throw portalError('FIELD_INVALID', { field: 'certificatePem', reason: 'the certificate has expired' });
        const before = await certificatesOf(merchant.merchantId);
        const added = await deps.merchants.addCertificate(merchant.merchantId, certificate, nowMs, deps.certificateOverlapMs);
        await deps.accounts.audit.record(ctx.actor, { merchantId: merchant.merchantId, action: 'certificate.upload', target: merchant.merchantId, before: before.map((c) => c.fingerprintSha256), after: { fingerprintSha256: added.fingerprintSha256, previousRetireAtMs: nowMs + deps.certificateOverlapMs } }, nowMs);
        return { certificates: await certificatesOf(merchant.merchantId) };
      },
    },
    {
      method: 'POST',
      url: '/m/integration/allowed-hosts',
      permission: 'merchant.settings',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const hosts = parseHosts(requiredText(bodyOf(request), 'hosts', 4096));
        await deps.merchants.setAllowedHosts(merchant.merchantId, hosts);
        await deps.accounts.audit.record(ctx.actor, { merchantId: merchant.merchantId, action: 'merchant.allowed_hosts', target: merchant.merchantId, before: merchant.allowedHosts, after: hosts }, deps.clock());
        return { allowedHosts: hosts };
      },
    },
    {
      method: 'POST',
      url: '/m/integration/test-notification',
      permission: 'merchant.resend',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const url = requiredText(bodyOf(request), 'url', 1024);
        checkMerchantUrl(merchant, 'url', url);
        // The newest notification of the merchant, sent again to the given URL through the outbox: signed and
        // encoded by its dialect like any other, retried like any other, and listed on its order's page.
        const latest = await deps.db.selectFrom('notifications').selectAll().where('merchant_id', '=', merchant.merchantId).orderBy('created_at_ms', 'desc').limit(1).executeTakeFirst();
        if (!latest) throw portalError('ORDER_NOT_FOUND');
        const nowMs = deps.clock();
        const notificationId = `nt${randomBytes(15).toString('hex')}`;
        await deps.db
          .insertInto('notifications')
          .values({ ...latest, notification_id: notificationId, url, state: 'pending', attempt_count: 0n, next_attempt_at_ms: BigInt(nowMs), lease_until_ms: 0n, created_at_ms: BigInt(nowMs), delivered_at_ms: null })
          .execute();
        await deps.accounts.audit.record(ctx.actor, { merchantId: merchant.merchantId, action: 'notification.test', target: notificationId, after: { url, orderId: latest.order_id } }, nowMs);
        return { notificationId, orderId: latest.order_id };
      },
    },
  ];
}
