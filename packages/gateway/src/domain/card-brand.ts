import cardValidator from 'card-validator';
import { luhnValid } from './luhn.js';

/**
 * The card brands the gateway accepts, keyed by card-validator's type ids so
 * detection needs no second table. Brands card-validator knows but we do not
 * list (Mir, Elo, …) are rejected as unsupported rather than guessed at.
 */
export const cardBrandNames = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  'american-express': 'American Express',
  discover: 'Discover',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  'diners-club': 'Diners Club',
  maestro: 'Maestro',
} as const satisfies Record<string, string>;

export type CardBrand = keyof typeof cardBrandNames;

export function isCardBrand(value: unknown): value is CardBrand {
  return typeof value === 'string' && Object.hasOwn(cardBrandNames, value);
}

export function cardBrandName(brand: CardBrand): string {
  return cardBrandNames[brand];
}

/** What a card number is: a known brand with its CVV length, or why it is not. */
export type CardIdentity = { brand: CardBrand; cvvSize: number } | { problem: 'unsupported' | 'length' | 'invalid' };

/**
 * Identifies a card number (digits only): its brand, or `unsupported` (a
 * Luhn-valid number of a brand we do not take), `length` (wrong number of
 * digits for its brand) or `invalid` (a typo).
 */
export function identifyCard(pan: string): CardIdentity {
  // UnionPay cards are Luhn-valid in practice; card-validator skips the check
  // for them unless asked, which would let typos through to the channel.
  const verdict = cardValidator.number(pan, { luhnValidateUnionPay: true });
  const type = verdict.card?.type;
  if (verdict.card === null || !isCardBrand(type)) {
    // An unknown prefix with a bad checksum is a typo, not an exotic card.
    return { problem: luhnValid(pan) ? 'unsupported' : 'invalid' };
  }
  if (!verdict.card.lengths.includes(pan.length)) return { problem: 'length' };
  if (!verdict.isValid) return { problem: 'invalid' };
  return { brand: type, cvvSize: verdict.card.code.size };
}
