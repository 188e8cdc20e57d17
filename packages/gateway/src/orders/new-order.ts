import type { Order } from '../domain/order.js';

/** What a protocol dialect hands the order service: a validated order request in domain terms. */
export type NewOrder = Pick<
  Order,
  'requestId' | 'requestDigest' | 'amountMinor' | 'currency' | 'language' | 'notifyUrl' | 'callbackUrl' | 'terminalNo' | 'remark' | 'orderType' | 'details' | 'clientIp'
> & { timeoutMinutes: number; product?: Order['product'] };
