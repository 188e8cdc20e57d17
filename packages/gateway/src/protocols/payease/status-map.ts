import type { OrderState } from '../../domain/order-state.js';

/** PayEase status words for each order state: exhaustive, so a new state cannot be forgotten here. */
const WIRE_STATUS: Readonly<Record<OrderState, 'INIT' | 'SUCCESS' | 'FAILED' | 'CANCEL'>> = {
  INIT: 'INIT',
  // The payer is still in the cashier or the channel has not answered: not final for the merchant.
  PROCESSING: 'INIT',
  CHALLENGE: 'INIT',
  UNKNOWN: 'INIT',
  // Held for an operator's review: not final until approved or rejected.
  REVIEW: 'INIT',
  SUCCESS: 'SUCCESS',
  FAILED: 'FAILED',
  CANCEL: 'CANCEL',
};

export function wireStatus(state: OrderState): 'INIT' | 'SUCCESS' | 'FAILED' | 'CANCEL' {
  return WIRE_STATUS[state];
}
