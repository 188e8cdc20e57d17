import { isAmountMinorString } from './amount.js';
import { OpenCashierError } from './errors.js';
import type { FxOrderState, FxSellBackState } from './fx-types.js';

function checkAmountFields(payload: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    const value = payload[field];
    if (value !== undefined && !isAmountMinorString(value)) throw new OpenCashierError(`gateway answer has a malformed ${field}`);
  }
}

/** An FX order's amounts are checked when read, at every level they appear. */
export function checkFxOrderState(payload: Record<string, unknown>): FxOrderState {
  for (const field of ['requestId', 'serialNumber', 'status', 'orderCurrency'] as const) {
    if (typeof payload[field] !== 'string') throw new OpenCashierError(`FX notification lacks ${field}`);
  }
  if (!isAmountMinorString(payload['orderAmount'])) throw new OpenCashierError('FX notification has a malformed orderAmount');
  checkAmountFields(payload, ['totalRefundAmount', 'feeAmount']);
  for (const part of ['payment', 'foreignExchange'] as const) {
    const value = payload[part];
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OpenCashierError(`FX notification has a malformed ${part}`);
    checkAmountFields(value as Record<string, unknown>, ['amount', 'deductionAmount', 'soldBackAmount']);
  }
  const subOrders = payload['subOrders'];
  if (subOrders !== undefined) {
    if (!Array.isArray(subOrders)) throw new OpenCashierError('FX notification has malformed subOrders');
    for (const sub of subOrders) {
      if (typeof sub !== 'object' || sub === null || !isAmountMinorString((sub as Record<string, unknown>)['orderAmount'])) throw new OpenCashierError('FX notification has a malformed sub-order');
    }
  }
  return payload as FxOrderState;
}

export function checkSellBack(value: unknown): FxSellBackState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OpenCashierError('FX refund notification lacks sellBack');
  const sale = value as Record<string, unknown>;
  for (const field of ['amount', 'cnyAmount', 'costAmount'] as const) {
    if (!isAmountMinorString(sale[field])) throw new OpenCashierError(`FX refund notification has a malformed sellBack.${field}`);
  }
  const difference = sale['differenceAmount'];
  if (typeof difference !== 'string' || !isAmountMinorString(difference.replace(/^-(?!0$)/, ''))) throw new OpenCashierError('FX refund notification has a malformed sellBack.differenceAmount');
  return sale as FxSellBackState;
}
