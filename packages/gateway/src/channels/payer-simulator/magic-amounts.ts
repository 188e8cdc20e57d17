import type { DeclineCode } from '../../domain/channel.js';

/**
 * Sandbox outcomes of wallet and online-banking payments, chosen by the last
 * four digits of the order amount in minor units (e.g. 190.51 CNY = 19051
 * fen ends in 9051). Any other amount is paid as the tester decides on the
 * simulator page. The README's method table lists these.
 */
export type SimulatedScenario =
  | { kind: 'as-decided' }
  | { kind: 'decline'; code: DeclineCode }
  /** The wallet does not answer in time: the outcome is unknown, and a later query finds it. */
  | { kind: 'timeout'; resolvesTo: 'approve' | 'decline' }
  | { kind: 'refund-fails' };

export const MAGIC_AMOUNT_SUFFIXES: readonly { suffix: bigint; scenario: SimulatedScenario; description: string }[] = [
  { suffix: 9051n, scenario: { kind: 'decline', code: 'INSUFFICIENT_FUNDS' }, description: 'approve is declined: insufficient balance' },
  { suffix: 9052n, scenario: { kind: 'decline', code: 'DO_NOT_HONOR' }, description: 'approve is declined: refused by the wallet or bank' },
  { suffix: 9054n, scenario: { kind: 'timeout', resolvesTo: 'approve' }, description: 'approve times out; a later query finds it paid' },
  { suffix: 9055n, scenario: { kind: 'timeout', resolvesTo: 'decline' }, description: 'approve times out; a later query finds it declined' },
  { suffix: 9061n, scenario: { kind: 'refund-fails' }, description: 'paid; every refund is refused' },
];

const SUFFIX_MODULUS = 10_000n;

export function scenarioForAmount(amountMinor: bigint): SimulatedScenario {
  const suffix = amountMinor % SUFFIX_MODULUS;
  return MAGIC_AMOUNT_SUFFIXES.find((m) => m.suffix === suffix)?.scenario ?? { kind: 'as-decided' };
}
