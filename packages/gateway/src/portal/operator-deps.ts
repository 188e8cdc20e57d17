import type { Kysely } from 'kysely';
import type { GatewayConfig } from '../config.js';
import type { CrossBorder } from '../cross-border/index.js';
import type { DisputeService } from '../orders/dispute-service.js';
import type { OrderService } from '../orders/order-service.js';
import type { OnlinePayService } from '../onlinepay/online-pay-service.js';
import type { RemittanceService } from '../onlinepay/remittance-service.js';
import type { ChannelRegistry } from '../channels/registry.js';
import type { ChannelCallRecorder } from '../channels/call-recorder.js';
import type { Database } from '../store/schema.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { MerchantSecretRepository } from '../store/merchant-secret-repository.js';
import type { AuditLog } from './audit-log.js';

/**
 * What the operator console's routes use: the same services the admin API
 * and the CLI use, so a change made in the browser follows the same rules.
 * Read only when a route runs (the access-matrix test builds the route
 * table without them).
 */
export interface OperatorConsoleDeps {
  config: GatewayConfig;
  db: Kysely<Database>;
  merchants: MerchantRepository;
  secrets: MerchantSecretRepository;
  onlinePay: OnlinePayService;
  crossBorder: CrossBorder;
  disputes: DisputeService;
  orders: OrderService;
  remittances: RemittanceService;
  channels: ChannelRegistry;
  /** How long each channel took to answer, in this process. */
  channelCalls: ChannelCallRecorder;
  audit: AuditLog;
  clock: () => number;
}
