import type { FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import { loopbackBaseUrl, type GatewayConfig } from '../config.js';
import type { CashierLinks } from '../cashier/links.js';
import { cashierRoutes } from '../cashier/routes.js';
import type { SimulatedPayerChannel } from '../channels/payer-simulator/simulated-channel.js';
import { demoRoutes } from '../demo/routes.js';
import type { OnlinePayService } from '../onlinepay/online-pay-service.js';
import type { OrderService } from '../orders/order-service.js';
import type { DialectRegistry } from '../protocols/dialect-registry.js';
import { simulatorRoutes } from '../simulator/routes.js';
import type { RemittanceService } from '../onlinepay/remittance-service.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { OnlinePayRepository } from '../store/online-pay-repository.js';

export interface BrowserPagesDeps {
  config: GatewayConfig;
  clock: () => number;
  orders: OrderService;
  merchants: MerchantRepository;
  links: CashierLinks;
  dialects: DialectRegistry;
  onlinePay: OnlinePayService;
  onlinePayRepository: OnlinePayRepository;
  simulated: readonly SimulatedPayerChannel[];
  remittances: RemittanceService;
}

/**
 * Browser-facing pages only: the hosted cashier, the sandbox payer
 * simulator and the demo shop. The security headers mean nothing to the
 * merchant API's JSON clients, and helmet costs every request it runs on.
 */
export async function browserPages(app: FastifyInstance, d: BrowserPagesDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          styleSrc: ["'self'"],
          // The waiting pages' one script (a file, never inline) and the same-origin check it makes.
          scriptSrc: ["'self'"],
          connectSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    });
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    const findMerchant = (id: string) => d.merchants.find(id);
    await cashierRoutes(scope, { orders: d.orders, findMerchant, links: d.links, clock: d.clock, secureCookies: d.config.publicBaseUrl.startsWith('https:'), returnUrl: (order) => d.dialects.get(order.dialect).returnUrl(order), onlinePay: d.onlinePay });
    await simulatorRoutes(scope, { channels: d.simulated, orders: d.orders, repository: d.onlinePayRepository, findMerchant, remittances: d.remittances });
    if (d.config.demoMerchant) {
      await scope.register(async (demo) => {
        // Notifications arrive as JSON text; the shop verifies the raw body, so keep it unparsed.
        demo.removeContentTypeParser('application/json');
        demo.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
        await demoRoutes(demo, { dataDir: d.config.dataDir, publicBaseUrl: d.config.publicBaseUrl, internalBaseUrl: loopbackBaseUrl(d.config) });
      });
    }
  });
}
