/** Stripe's published test cards, by what the emulator does with each (https://docs.stripe.com/testing). */
export const STRIPE_TEST_CARDS = {
  succeeds: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  incorrectCvc: '4000000000000127',
  lost: '4000000000009987',
  stolen: '4000000000009979',
  requires3ds: '4000002500003155',
  /** Emulator only: the charge succeeds, then the answer is lost behind a 500 (real test mode declines it with processing_error). */
  succeedsThen500: '4000000000000119',
} as const;

export type CardVerdict =
  | { kind: 'succeed' }
  | { kind: '3ds' }
  | { kind: 'succeed-then-500' }
  | { kind: 'decline'; code: string; declineCode?: string; message: string };

export function verdictFor(pan: string): CardVerdict {
  switch (pan) {
    case STRIPE_TEST_CARDS.declined:
      return { kind: 'decline', code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' };
    case STRIPE_TEST_CARDS.insufficientFunds:
      return { kind: 'decline', code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' };
    case STRIPE_TEST_CARDS.expired:
      return { kind: 'decline', code: 'expired_card', message: 'Your card has expired.' };
    case STRIPE_TEST_CARDS.incorrectCvc:
      return { kind: 'decline', code: 'incorrect_cvc', message: "Your card's security code is incorrect." };
    case STRIPE_TEST_CARDS.lost:
      return { kind: 'decline', code: 'card_declined', declineCode: 'lost_card', message: 'Your card was declined.' };
    case STRIPE_TEST_CARDS.stolen:
      return { kind: 'decline', code: 'card_declined', declineCode: 'stolen_card', message: 'Your card was declined.' };
    case STRIPE_TEST_CARDS.requires3ds:
      return { kind: '3ds' };
    case STRIPE_TEST_CARDS.succeedsThen500:
      return { kind: 'succeed-then-500' };
    default:
      return pan.startsWith('4242') || pan.startsWith('5555') ? { kind: 'succeed' } : { kind: 'decline', code: 'incorrect_number', message: 'Your card number is incorrect.' };
  }
}
