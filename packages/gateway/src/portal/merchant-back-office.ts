import type { PortalRoute } from './route-table.js';
import { deliveryRoutes, type DeliveryRoutesDeps } from './delivery-routes.js';
import { disputeRoutes, type DisputeRoutesDeps } from './dispute-routes.js';
import { moneyRoutes, type MoneyRoutesDeps } from './money-routes.js';
import { integrationRoutes, type IntegrationRoutesDeps } from './integration-routes.js';
import { dashboardSeriesRoutes } from './dashboard-series.js';
import { refundApprovalRoutes, type RefundApprovalRoutesDeps } from './refund-approval-routes.js';

/** What the merchant back-office pages (approvals, disputes, money, integration) need from the gateway. */
export type MerchantBackOfficeDeps = RefundApprovalRoutesDeps & DisputeRoutesDeps & DeliveryRoutesDeps & MoneyRoutesDeps & IntegrationRoutesDeps;

/** Every route of the merchant back-office pages; all under `/m/`, all scoped to the session's merchant. */
export function merchantBackOfficeRoutes(deps: MerchantBackOfficeDeps): PortalRoute[] {
  return [...refundApprovalRoutes(deps), ...disputeRoutes(deps), ...deliveryRoutes(deps), ...moneyRoutes(deps), ...integrationRoutes(deps), ...dashboardSeriesRoutes(deps)];
}
