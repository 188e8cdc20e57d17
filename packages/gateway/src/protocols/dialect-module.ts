import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';
import type { ErrorCode } from '../domain/errors.js';
import type { CashierLinks } from '../cashier/links.js';
import type { CrossBorder } from '../cross-border/index.js';
import type { KeyEncryptionKey } from '../keys/kek.js';
import type { GatewayKeyRing } from '../keys/gateway-keys.js';
import type { CardBindingService } from '../onlinepay/card-binding-service.js';
import type { OnlinePayService } from '../onlinepay/online-pay-service.js';
import type { DeliveryService } from '../orders/delivery-service.js';
import type { DisputeService } from '../orders/dispute-service.js';
import type { OrderService } from '../orders/order-service.js';
import type { RefundService } from '../orders/refund-service.js';
import type { MerchantRateLimiter } from '../ops/merchant-rate-limit.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { MerchantSecretRepository } from '../store/merchant-secret-repository.js';
import type { NotificationRepository } from '../store/notification-repository.js';
import type { RecurringConsentRepository } from '../store/recurring-consent-repository.js';
import type { MerchantDialect } from './dialect-registry.js';

/** The domain commands and keys a dialect's routes call; the same for every dialect. */
export interface DialectContext {
  config: GatewayConfig;
  clock: () => number;
  kek: KeyEncryptionKey;
  keys: GatewayKeyRing;
  merchants: MerchantRepository;
  secrets: MerchantSecretRepository;
  consents: RecurringConsentRepository;
  notifications: NotificationRepository;
  orders: OrderService;
  refunds: RefundService;
  disputes: DisputeService;
  deliveries: DeliveryService;
  onlinePay: OnlinePayService;
  bindings: CardBindingService;
  links: CashierLinks;
  merchantLimiter: MerchantRateLimiter;
  /** FX, settlement and reconciliation APIs, which PayEase carries in its envelope. */
  crossBorder: CrossBorder;
}

/** A dialect as built at boot: its notification encoder and its routes. */
export interface BuiltDialect {
  dialect: MerchantDialect;
  routes(app: FastifyInstance): Promise<void>;
  /** Releases what the dialect holds (worker threads, say) when the gateway stops. */
  close?(): Promise<void>;
}

/**
 * One merchant protocol: one folder under `protocols/`, exporting one of
 * these, named by one line of `protocols/index.ts`.
 */
export interface DialectModule {
  /** Stored with each order and notification: never renamed. */
  readonly name: string;
  /** How the dialect's API is grouped in the API reference. */
  readonly openApiTags: readonly { name: string; description: string }[];
  /** The dialect's answer for a refusal outside any one route (no such route, body too large, rate limited), from the one error table. */
  errorBody(code: ErrorCode): unknown;
  /** Answers a request that matched no route when it was meant for this dialect (its paths, its headers); false leaves it to the others. */
  notFound?(request: FastifyRequest, reply: FastifyReply): FastifyReply | false;
  create(context: DialectContext): BuiltDialect;
}
