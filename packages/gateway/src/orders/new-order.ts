import type { Order } from '../domain/order.js';

/** What a protocol dialect hands the order service: a validated order request in domain terms. */
export type NewOrder = Pick<
  Order,
  'requestId' | 'requestDigest' | 'amountMinor' | 'currency' | 'language' | 'notifyUrl' | 'callbackUrl' | 'terminalNo' | 'remark' | 'orderType' | 'details' | 'clientIp' | 'product' | 'paymentMethod'
> & { timeoutMinutes: number } & Partial<Pick<Order, 'dialect' | 'dialectContext'>>;
