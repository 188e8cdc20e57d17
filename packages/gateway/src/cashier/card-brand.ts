/**
 * The card brands the cashier accepts, keyed by card-validator's type ids so
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
