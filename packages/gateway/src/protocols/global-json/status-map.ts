import type { OrderState } from '../../domain/order-state.js';

export type GlobalOrderStatus = 'nopay' | 'success' | 'closed' | 'fail';
export type GlobalNotifyStatus = 'nopay' | 'success' | 'cancel' | 'fail';

/** Order status words of `/global/order/query`: exhaustive over the core's states. */
const QUERY_STATUS: Readonly<Record<OrderState, GlobalOrderStatus>> = {
  INIT: 'nopay',
  // Not final for the merchant: the payer or the channel has yet to answer.
  PROCESSING: 'nopay',
  CHALLENGE: 'nopay',
  UNKNOWN: 'nopay',
  // Held for risk review: not paid yet as far as the merchant knows.
  REVIEW: 'nopay',
  SUCCESS: 'success',
  FAILED: 'fail',
  CANCEL: 'closed',
};

export const globalQueryStatus = (state: OrderState): GlobalOrderStatus => QUERY_STATUS[state];
/** The notification's word: the query's, except that the seed lists `cancel` there where the query says `closed`. */
export function globalNotifyStatus(state: OrderState): GlobalNotifyStatus {
  const status = QUERY_STATUS[state];
  return status === 'closed' ? 'cancel' : status;
}
