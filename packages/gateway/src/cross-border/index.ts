import type { Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { CHANNEL_RECHECK_INTERVAL_MS, BACKGROUND_BATCH_MAX, PROOF_FILE_BYTES_MAX, PROOF_INBOX_SCAN_INTERVAL_MS, PROOF_UPLOAD_LINK_TTL_MS } from '../domain/limits.js';
import { ERRORS } from '../domain/errors.js';
import { plainErrorBody } from '../protocols/payease/plain-error.js';
import type { OrderService } from '../orders/order-service.js';
import type { RefundService } from '../orders/refund-service.js';
import type { CashierLinks } from '../cashier/links.js';
import type { CardVault } from '../keys/card-vault.js';
import type { OnlinePayService } from '../onlinepay/online-pay-service.js';
import type { FxDesk } from '../domain/fx-desk.js';
import type { CustomsOffice } from '../domain/customs.js';
import { SandboxCustomsOffice } from '../channels/sandbox-customs/index.js';
import { CustomsDeclarations } from '../fx/customs-declarations.js';
import { CustomsDeclarationRepository } from '../store/customs-declaration-repository.js';
import { declarationHandlers } from '../protocols/payease/declaration-handlers.js';
import { SandboxFxDesk } from '../channels/sandbox-fx-desk/index.js';
import { FxOrderRepository } from '../store/fx-order-repository.js';
import { FxOrderService } from '../fx/fx-order-service.js';
import { parseReviewRules } from '../fx/fx-order.js';
import { ProofFiles, PROOF_FILE_NAME } from '../fx/proof-files.js';
import { ExpiringGrant } from '../keys/expiring-grant.js';
import { foreignExchangeHandlers } from '../protocols/payease/foreign-exchange-handlers.js';
import { fxOrderFields, sellBackFields } from '../protocols/payease/foreign-exchange-fields.js';
import { FxSellBackRepository } from '../store/fx-sell-back-repository.js';
import { FxSellBackService } from '../fx/fx-sell-back-service.js';
import { LedgerRepository } from '../store/ledger-repository.js';
import { fxOrderAdminRoutes } from './fx-order-admin.js';
import { SETTLEMENT_SWEEP_INTERVAL_MS } from '../domain/limits.js';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { Database } from '../store/schema.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { AdminRoutes } from '../admin/auth.js';
import type { Handler } from '../protocols/payease/routes.js';
import { FxQuoteRepository } from '../store/fx-quote-repository.js';
import { PricingRepository } from '../store/pricing-repository.js';
import { RateFileProvider } from '../fx/rate-file-provider.js';
import { FxPricing } from '../fx/fx-pricing.js';
import { RateLocks } from '../fx/rate-lock.js';
import { capturePricing } from '../fees/capture-pricing.js';
import { pricingAdminRoutes } from './pricing-admin.js';
import { lockFields, parseLockRequest } from '../protocols/payease/foreign-exchange-lock.js';
import { SettlementRepository } from '../store/settlement-repository.js';
import { SettlementService } from '../settlement/settlement-service.js';
import { parseSettlementQuery, settlementFields } from '../protocols/payease/settlement-fields.js';
import { settlementAdminRoutes } from './settlement-admin.js';
import { GatewayError } from '../domain/errors.js';
import type { GatewayKeyRing } from '../keys/gateway-keys.js';
import { ReconciliationRepository, sqliteFileOf } from '../store/reconciliation-repository.js';
import { ReconciliationFiles } from '../reconciliation/reconciliation-files.js';
import { reconciliationAdminRoutes } from './reconciliation-admin.js';
import { beijingDateTime } from '../protocols/payease/order-fields.js';
import { businessDateField as parseBusinessDate } from '../protocols/payease/settlement-fields.js';

export interface CrossBorderDeps {
  config: GatewayConfig;
  db: Kysely<Database>;
  merchants: MerchantRepository;
  clock: () => number;
  logger: Pick<Logger, 'warn' | 'info'>;
  keys: GatewayKeyRing;
  /** Key of the download and upload links' MAC. */
  linkKey: Buffer;
  /** The FX desk purchases go to; the sandbox desk when not given. */
  desk?: FxDesk;
  /** The customs office declarations go to; the sandbox office when not given. */
  customs?: CustomsOffice;
}

/** What the FX orders need from the shared order core, available once the composition root built it. */
export interface CrossBorderOrderParts {
  orders: OrderService;
  refunds: RefundService;
  links: CashierLinks;
  vault: CardVault;
  onlinePay: OnlinePayService;
}

/**
 * Cross-border money, assembled once: rates and locked quotes, fee plans,
 * and the parts the composition root plugs in (envelope APIs, admin
 * routes, the capture pricing hook, background jobs).
 */
export function createCrossBorder(deps: CrossBorderDeps) {
  const { config, db, clock } = deps;
  const quotes = new FxQuoteRepository(db);
  const pricing = new PricingRepository(db);
  const rates = new RateFileProvider(config.fxRateFile!, deps.logger);
  const fx = new FxPricing(rates, pricing, config.fxMarkupBps);
  const locks = new RateLocks(quotes, fx, config.fxLockMinutes * 60_000, clock);

  const settlements = new SettlementService({
    settlements: new SettlementRepository(db),
    quotes,
    pricing,
    fx,
    clock,
    timeZone: config.timeZone,
    defaultDelayDays: config.settlementDelayDays,
  });

  const reconciliation = new ReconciliationFiles({
    source: { entries: new ReconciliationRepository(db, { sqliteFile: sqliteFileOf(config.databaseUrl) }), quotes, timeZone: config.timeZone },
    keys: deps.keys,
    merchants: deps.merchants,
    clock,
    readyTime: config.reconciliationReadyTime,
    publicBaseUrl: config.publicBaseUrl,
    linkKey: deps.linkKey,
  });

  const reviewRules = parseReviewRules(config.fxReviewRules);
  const proofs = new ProofFiles(config.dataDir);
  const uploadGrants = new ExpiringGrant(deps.linkKey, 'proof-upload', clock);
  const fxRows = new FxOrderRepository(db);
  const desk = deps.desk ?? new SandboxFxDesk(clock);
  const saleRows = new FxSellBackRepository(db, new LedgerRepository(db));
  let sellBacks: FxSellBackService | undefined;
  let fxOrders: FxOrderService | undefined;
  const fxOrderService = (): FxOrderService => {
    if (!fxOrders) throw new Error('FX orders used before the order core was attached');
    return fxOrders;
  };
  let orderService: OrderService | undefined;

  const handlers: Record<string, Handler> = {
    '/reconciliation/download': async ({ merchant, payload }) => {
      const date = parseBusinessDate(payload);
      const links = reconciliation.links(merchant.merchantId, date);
      return { status: 'SUCCESS', businessDate: date, downloadUrl: links.downloadUrl, signatureUrl: links.signatureUrl, expireDateTime: beijingDateTime(links.expiresAtMs) };
    },
    '/settlement/query': async ({ merchant, payload }) => {
      const date = parseSettlementQuery(payload);
      const batch = await settlements.settleDay(merchant.merchantId, date);
      if (!batch) throw new GatewayError('SETTLEMENT_NOT_FOUND', { date });
      return settlementFields(batch, await settlements.lines(batch));
    },
    '/foreignExchange/listpriceLock': async ({ merchant, payload }) => {
      const request = parseLockRequest(payload);
      return lockFields(await locks.lock(merchant.merchantId, request), request.orderCurrency, request.currency);
    },
  };
  const adminRoutes: AdminRoutes[] = [
    fxOrderAdminRoutes({ fxOrders: fxOrderService, fxRows, orders: () => orderService! }),
    reconciliationAdminRoutes({ merchants: deps.merchants, files: reconciliation }),
    settlementAdminRoutes({ merchants: deps.merchants, settlements }),
    pricingAdminRoutes({ merchants: deps.merchants, pricing, rates, clock, defaultMarkupBps: config.fxMarkupBps, defaultDelayDays: config.settlementDelayDays }),
  ];
  return {
    quotes,
    pricing,
    rates,
    fx,
    locks,
    handlers,
    adminRoutes,
    settlements,
    reconciliation,
    fxRows,
    fxOrders: fxOrderService,
    sellBacks: (): FxSellBackService => {
      if (!sellBacks) throw new Error('FX sell-backs used before the order core was attached');
      return sellBacks;
    },
    saleRows,
    proofs,
    /** Plugs in the order core: FX orders are orders of product `foreignExchange` on it. */
    attach(parts: CrossBorderOrderParts): void {
      orderService = parts.orders;
      sellBacks = new FxSellBackService({
        fxOrders: fxRows,
        sales: saleRows,
        orders: parts.orders,
        desk,
        fx,
        quotes,
        clock,
        findMerchant: (id) => deps.merchants.find(id),
        formatNotification: (order, row, sale) => JSON.stringify({ notifyType: 'FOREIGN_EXCHANGE_REFUND', ...fxOrderFields(order, row), sellBack: sellBackFields(sale) }),
      });
      fxOrders = new FxOrderService({
        refunds: parts.refunds,
        sellBacks,
        orders: parts.orders,
        onlinePay: parts.onlinePay,
        fxOrders: fxRows,
        quotes,
        locks,
        fx,
        pricing,
        desk,
        proofs,
        vault: parts.vault,
        reviewRules,
        clock,
        findMerchant: (id) => deps.merchants.find(id),
        formatNotification: (order, row, notifyType) => JSON.stringify({ notifyType, ...fxOrderFields(order, row) }),
      });
      const declarations = new CustomsDeclarations({ declarations: new CustomsDeclarationRepository(db), orders: parts.orders, fxOrders: fxRows, office: deps.customs ?? new SandboxCustomsOffice(clock), clock });
      Object.assign(
        handlers,
        declarationHandlers({ declarations, orderRequestIdOf: async (orderId) => (await parts.orders.find(orderId))?.requestId ?? '' }),
        foreignExchangeHandlers({
          fxOrders,
          orders: parts.orders,
          refunds: parts.refunds,
          links: parts.links,
          proofUploadUrl: (merchantId, fileName) => {
            const { grant, expiresAtMs } = uploadGrants.issue(`${merchantId}:${fileName}`, PROOF_UPLOAD_LINK_TTL_MS);
            return { url: `${config.publicBaseUrl}/fe/proof/${merchantId}/${grant}/${fileName}`, expiresAtMs };
          },
        }),
      );
    },
    /** Routes outside the envelope and the admin API: merchants' download links and proof uploads. */
    async publicRoutes(app: FastifyInstance): Promise<void> {
      await app.register(reconciliation.routes());
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PROOF_FILE_BYTES_MAX }, (_request, body, done) => done(null, body));
        scope.put<{ Params: { merchantId: string; grant: string; fileName: string } }>('/fe/proof/:merchantId/:grant/:fileName', async (request, reply) => {
          const { merchantId, grant, fileName } = request.params;
          if (!PROOF_FILE_NAME.test(fileName) || !uploadGrants.valid(`${merchantId}:${fileName}`, grant)) {
            return reply.code(ERRORS.PROOF_FILE_NOT_FOUND.httpStatus).send(plainErrorBody('PROOF_FILE_NOT_FOUND'));
          }
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          try {
            proofs.store(merchantId, fileName, body);
          } catch (error) {
            if (error instanceof GatewayError) return reply.code(error.spec.httpStatus).send({ status: error.spec.wireStatus, code: error.code, errorMessage: error.message });
            throw error;
          }
          const moved = await fxOrderService().fileArrived(merchantId, fileName);
          return { status: 'SUCCESS', fileName, bytes: body.length, ordersUploaded: moved };
        });
      });
    },
    priceCapture: capturePricing({ pricing, fx, quotes }),
    /** Background jobs, for the composition root's timer. */
    jobs: [
      { name: 'settlement-closed-day', intervalMs: SETTLEMENT_SWEEP_INTERVAL_MS, run: () => settlements.settleDue() },
      { name: 'fx-purchases-due', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => fxOrderService().executeDue(BACKGROUND_BATCH_MAX) },
      { name: 'fx-sell-backs-due', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => (sellBacks ? sellBacks.runDue(BACKGROUND_BATCH_MAX) : Promise.resolve(0)) },
      { name: 'proof-inbox-scan', intervalMs: PROOF_INBOX_SCAN_INTERVAL_MS, run: () => fxOrderService().scanInbox(BACKGROUND_BATCH_MAX) },
    ],
  };
}

export type CrossBorder = ReturnType<typeof createCrossBorder>;
