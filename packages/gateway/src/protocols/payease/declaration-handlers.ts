import { amountMinorToWire } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import type { CustomsDeclarations, NewCustomsDeclaration } from '../../fx/customs-declarations.js';
import { requestDigest } from '../../orders/request-digest.js';
import type { CustomsDeclaration } from '../../store/customs-declaration-repository.js';
import { beijingDateTime } from './order-fields.js';
import { requiredRequestId } from './refund-request.js';
import type { Handler } from './routes.js';
import { str, type Wire } from './wire-fields.js';

/**
 * `serviceprovider/declaration/declare` request: `requestId` (the
 * declaration's number), `orderRequestId` (the FX order's requestId),
 * `subOrderRequestId` (required when the order has sub-orders, refused when
 * it has none), `customsCode` (the customs office), `ecpCode` / `ecpName`
 * (the merchant's registration with customs: 10 letters or digits, a name).
 */
export function parseDeclarationRequest(payload: Wire): NewCustomsDeclaration {
  const requestId = str(payload, 'requestId', true, 50)!;
  const orderRequestId = str(payload, 'orderRequestId', true, 50)!;
  const subOrderRequestId = str(payload, 'subOrderRequestId', false, 100) ?? null;
  const customsCode = str(payload, 'customsCode', true, 20)!;
  if (!/^[A-Z0-9_]{2,20}$/.test(customsCode)) throw new GatewayError('FIELD_INVALID', { field: 'customsCode', reason: '2 to 20 capital letters, digits or "_"' });
  const ecpCode = str(payload, 'ecpCode', true, 10)!;
  if (!/^[0-9A-Z]{10}$/.test(ecpCode)) throw new GatewayError('FIELD_INVALID', { field: 'ecpCode', reason: 'the 10-character customs registration code' });
  const ecpName = str(payload, 'ecpName', true, 100)!;
  return { requestId, requestDigest: requestDigest(payload), orderRequestId, subOrderRequestId, customsCode, ecpCode, ecpName };
}

/** A declaration as answered and queried. */
export function declarationFields(d: CustomsDeclaration, orderRequestId: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    requestId: d.requestId,
    serialNumber: d.declarationId,
    orderRequestId,
    orderSerialNumber: d.orderId,
    subOrderRequestId: d.subOrderRequestId ?? undefined,
    paymentSerialNumber: d.paymentSerialNumber,
    customsCode: d.customsCode,
    ecpCode: d.ecpCode,
    amount: amountMinorToWire(d.amountMinor),
    currency: d.currency,
    // PROCESSING: sent to customs, no answer yet; the same request again asks again.
    status: d.status,
    customsReference: d.customsReference ?? undefined,
    failureReason: d.failureReason ?? undefined,
    completeDateTime: d.completedAtMs === null ? undefined : beijingDateTime(d.completedAtMs),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** Customs declaration (the production service's `serviceprovider/declaration/declare` and `/query`), for FX orders. */
export function declarationHandlers(deps: { declarations: CustomsDeclarations; orderRequestIdOf: (orderId: string) => Promise<string> }): Record<string, Handler> {
  return {
    '/serviceprovider/declaration/declare': async ({ merchant, payload }) => {
      const input = parseDeclarationRequest(payload);
      return declarationFields(await deps.declarations.declare(merchant.merchantId, input), input.orderRequestId);
    },
    '/serviceprovider/declaration/query': async ({ merchant, payload }) => {
      const d = await deps.declarations.find(merchant.merchantId, requiredRequestId(payload));
      return declarationFields(d, await deps.orderRequestIdOf(d.orderId));
    },
  };
}
