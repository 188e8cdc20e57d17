import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import { CashierLinks } from '../cashier/links.js';
import { createCrossBorder } from '../cross-border/index.js';
import { CardVault } from '../keys/card-vault.js';
import type { GatewayKeyRing } from '../keys/gateway-keys.js';
import type { KeyEncryptionKey } from '../keys/kek.js';
import { CardBindingService } from '../onlinepay/card-binding-service.js';
import { OnlinePayService } from '../onlinepay/online-pay-service.js';
import { RemittanceService } from '../onlinepay/remittance-service.js';
import { DeliveryService } from '../orders/delivery-service.js';
import { DisputeService } from '../orders/dispute-service.js';
import { OrderService } from '../orders/order-service.js';
import { RefundService } from '../orders/refund-service.js';
import type { GatewayMetrics } from '../ops/metrics.js';
import type { DialectRegistry } from '../protocols/dialect-registry.js';
import { disputeNotificationFields } from '../protocols/payease/dispute-fields.js';
import { ReviewQueue } from '../risk/review-queue.js';
import { createRiskControl, formatRuleErrors } from '../risk/risk-control.js';
import { AttachmentStore } from '../store/attachment-store.js';
import { CardBindingRepository } from '../store/card-binding-repository.js';
import type { OpenedDatabase } from '../store/database.js';
import { DeliveryRepository } from '../store/delivery-repository.js';
import { DisputeRepository } from '../store/dispute-repository.js';
import { LedgerRepository } from '../store/ledger-repository.js';
import { MerchantRepository } from '../store/merchant-repository.js';
import { MerchantSecretRepository } from '../store/merchant-secret-repository.js';
import { NotificationRepository } from '../store/notification-repository.js';
import { OnlinePayRepository } from '../store/online-pay-repository.js';
import { OrderRepository } from '../store/order-repository.js';
import { RecurringConsentRepository } from '../store/recurring-consent-repository.js';
import { RefundRepository } from '../store/refund-repository.js';
import { TransferRepository } from '../store/transfer-repository.js';
import type { ChannelSet } from './channels.js';

export interface CoreOptions {
  config: GatewayConfig;
  clock: () => number;
  logger: Logger;
  kek: KeyEncryptionKey;
  keys: GatewayKeyRing;
  database: OpenedDatabase;
  metrics: GatewayMetrics;
  channels: ChannelSet;
  /** The dialects, built after the services (their routes call them); used only once a state changes. */
  dialects: () => DialectRegistry;
}

/** The repositories and the domain services over them: orders, refunds, disputes, risk, unified orders, cross-border. */
export async function createCoreServices(o: CoreOptions) {
  const { config, clock, logger, kek, database } = o;
  const db = database.db;
  const merchants = new MerchantRepository(db);
  const orderRepository = new OrderRepository(db);
  const notifications = new NotificationRepository(db, database.dialect);
  const risk = createRiskControl(
    config,
    db,
    kek,
    clock,
    logger.child({ component: 'risk' }),
    (action, seconds) => {
      o.metrics.riskDecisions.inc({ action });
      o.metrics.riskDecisionDuration.observe(seconds);
    },
    o.channels.sharedTestPans,
  );
  if (config.riskRulesFile) {
    const loaded = await risk.reloadRuleFile();
    if (!loaded.ok) logger.error({ file: loaded.file, errors: formatRuleErrors(loaded.errors) }, 'risk rule file refused; the rules loaded before stay in force');
  }
  const secrets = new MerchantSecretRepository(db, kek);
  const consents = new RecurringConsentRepository(db);
  const channels = o.channels.registry;
  const ledger = new LedgerRepository(db);
  const crossBorder = createCrossBorder({ config, db, merchants, clock, logger: logger.child({ component: 'cross-border' }), keys: o.keys, linkKey: kek.subkey('reconciliation-links') });
  const refunds = new RefundService({
    orders: orderRepository,
    refunds: new RefundRepository(db, ledger),
    ledger,
    channels,
    clock,
    findMerchant: (id) => merchants.find(id),
    // A refund is notified in its order's dialect when that dialect has refund notifications, else as PayEase.
    formatNotification: (refund, order) => o.dialects().refundNotification(refund, order),
    refundStaleMs: config.refundStaleMs,
  });
  const vault = new CardVault(kek);
  const bindings = new CardBindingService({ bindings: new CardBindingRepository(db), vault, fingerprintKey: kek.subkey('card-fingerprint'), clock });
  const orders = new OrderService({
    risk: risk.engine,
    orders: orderRepository,
    channels,
    vault,
    clock,
    ledger,
    findMerchant: (id) => merchants.find(id),
    // Each order is notified in the protocol that created it.
    formatNotification: (order) => o.dialects().get(order.dialect).formatNotification(order),
    reverseLateApproval: (order, approval) => refunds.reverseLateApproval(order, approval),
    priceCapture: crossBorder.priceCapture,
    staleProcessingMs: config.staleProcessingMs,
  });
  const disputes = new DisputeService({
    orders: orderRepository,
    disputes: new DisputeRepository(db, orderRepository, ledger),
    attachments: new AttachmentStore(join(config.dataDir, 'attachments')),
    clock,
    findMerchant: (id) => merchants.find(id),
    formatNotification: (dispute, order, event) => JSON.stringify(disputeNotificationFields(dispute, order, event)),
    scheduledDisputes: o.channels.scheduledDisputes,
    sandboxDisputeDelayMs: config.sandboxDisputeDelayMs,
    onChargeback: (order) => risk.engine.onChargeback(order),
  });
  const deliveries = new DeliveryService({ orders: orderRepository, deliveries: new DeliveryRepository(db), clock });
  const reviews = new ReviewQueue({ repository: risk.repository, orders, engine: risk.engine, clock });
  const onlinePayRepository = new OnlinePayRepository(db);
  const onlinePay = new OnlinePayService({ orders, repository: onlinePayRepository, channels, clock, bindings });
  const remittances = new RemittanceService({ orders, onlinePay: onlinePayRepository, transfers: new TransferRepository(db), clock });
  const links = new CashierLinks(kek.subkey('cashier-session'), config.publicBaseUrl);
  crossBorder.attach({ orders, refunds, links, vault, onlinePay });
  return { merchants, orderRepository, notifications, risk, secrets, consents, channels, ledger, crossBorder, refunds, vault, bindings, orders, disputes, deliveries, reviews, onlinePayRepository, onlinePay, remittances, links };
}

export type CoreServices = Awaited<ReturnType<typeof createCoreServices>>;
