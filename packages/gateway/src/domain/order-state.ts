/**
 * The order state machine, in one place. Wire status words are mapped from
 * these by each protocol dialect; nothing else decides what may follow what.
 *
 *   INIT ──► PROCESSING ──► SUCCESS
 *     │          │    └───► FAILED
 *     │          ├────────► CHALLENGE ──► PROCESSING
 *     │          ├────────► UNKNOWN ──► SUCCESS | FAILED | REVIEW   (resolved by a channel query)
 *     │          └────────► REVIEW ──► SUCCESS (operator approves: captured)
 *     │                                 ├► CANCEL (operator rejects: authorisation voided)
 *     │                                 └► FAILED (the capture failed)
 *     ├────────────────────► FAILED   (declined before authorisation)
 *     └────────────────────► CANCEL   (expired unpaid, or cancelled by the payer or merchant)
 *   PROCESSING | UNKNOWN ──► CANCEL     (cancelled by the merchant while the channel had not
 *                                        answered; a late approval is refunded at once)
 *
 * A declined card makes the order FAILED and the merchant is notified once,
 * as the PayEase cashier does; the payer starts again with a new order.
 *
 * REVIEW holds a payment risk control sent to an operator: the channel has
 * authorised it without capture (the card data needed to authorise later is
 * never kept), and the merchant sees INIT until the operator decides.
 */
export const ORDER_STATES = ['INIT', 'PROCESSING', 'CHALLENGE', 'UNKNOWN', 'REVIEW', 'SUCCESS', 'FAILED', 'CANCEL'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

const TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  INIT: ['PROCESSING', 'FAILED', 'CANCEL'],
  PROCESSING: ['SUCCESS', 'FAILED', 'CHALLENGE', 'UNKNOWN', 'REVIEW', 'CANCEL'],
  CHALLENGE: ['PROCESSING', 'FAILED', 'CANCEL'],
  UNKNOWN: ['SUCCESS', 'FAILED', 'REVIEW', 'CANCEL'],
  REVIEW: ['SUCCESS', 'CANCEL', 'FAILED'],
  SUCCESS: [],
  FAILED: [],
  CANCEL: [],
};

export const FINAL_STATES: ReadonlySet<OrderState> = new Set(['SUCCESS', 'FAILED', 'CANCEL']);

export function isFinal(state: OrderState): boolean {
  return FINAL_STATES.has(state);
}

export function canTransition(from: OrderState, to: OrderState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: OrderState,
    readonly to: OrderState,
  ) {
    super(`illegal order transition ${from} → ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(from: OrderState, to: OrderState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** States in which the hosted cashier may still take a card. */
export function isPayable(state: OrderState): boolean {
  return state === 'INIT';
}
