import { MAGIC_CARDS } from './magic-cards.js';

/** Brand of a test card number: the magic card's, or guessed from the leading digits. */
export function brandOfTestCard(pan: string): string {
  const magic = MAGIC_CARDS.find((c) => c.pan === pan);
  if (magic) return magic.brand;
  if (pan.startsWith('4')) return 'Visa';
  if (/^(5[1-5]|2[2-7])/.test(pan)) return 'Mastercard';
  if (/^3[47]/.test(pan)) return 'American Express';
  if (pan.startsWith('35')) return 'JCB';
  if (pan.startsWith('62')) return 'UnionPay';
  return 'Card';
}
