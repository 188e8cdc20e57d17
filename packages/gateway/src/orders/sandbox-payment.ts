import { cardBrandName, identifyCard } from '../domain/card-brand.js';
import { GatewayError } from '../domain/errors.js';
import type { CardInput } from '../domain/channel.js';
import type { Order } from '../domain/order.js';
import type { OrderService } from './order-service.js';

/** Years ahead for the expiry of a card a sandbox helper pays with: always valid. */
const TEST_CARD_EXPIRY_YEARS_AHEAD = 3;

/**
 * Pays an order with a magic card and, when a one-time code is given,
 * answers the 3-D Secure step too — what the sandbox test helpers (HTTP and
 * CLI) do in place of a payer in a browser.
 */
export async function payWithTestCard(orders: OrderService, orderId: string, pan: string, otp?: string): Promise<Order> {
  const identity = identifyCard(pan);
  // The same check as the cashier's card form: a number it would refuse is refused here too.
  if ('problem' in identity) throw new GatewayError('FIELD_INVALID', { field: 'cardNumber', reason: `not a card number the cashier accepts (${identity.problem})` });
  const paid = await orders.pay(orderId, testCard(pan, cardBrandName(identity.brand), identity.cvvSize));
  if (paid.state === 'CHALLENGE' && otp) return orders.completeChallenge(orderId, { otp });
  return paid;
}

function testCard(pan: string, brand: string, cvvSize: number): CardInput {
  return {
    holder: 'SANDBOX TEST',
    pan,
    expiryMonth: 12,
    expiryYear: new Date().getUTCFullYear() + TEST_CARD_EXPIRY_YEARS_AHEAD,
    cvv: '1234'.slice(0, cvvSize),
    brand,
  };
}
