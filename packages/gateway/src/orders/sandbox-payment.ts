import { brandOfTestCard } from '../channels/sandbox-card/test-card.js';
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
  const paid = await orders.pay(orderId, testCard(pan));
  if (paid.state === 'CHALLENGE' && otp) return orders.completeChallenge(orderId, { otp });
  return paid;
}

function testCard(pan: string): CardInput {
  const brand = brandOfTestCard(pan);
  return {
    holder: 'SANDBOX TEST',
    pan,
    expiryMonth: 12,
    expiryYear: new Date().getUTCFullYear() + TEST_CARD_EXPIRY_YEARS_AHEAD,
    cvv: brand === 'American Express' ? '1234' : '123',
    brand,
  };
}
