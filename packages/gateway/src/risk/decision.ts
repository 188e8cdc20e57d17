import { RISK_ACTIONS, type RiskAction } from '../domain/risk-gate.js';

/**
 * What the risk engine answers for one payment attempt. The actions are
 * ordered by severity; when several rules fire, the most severe wins.
 *
 *   ALLOW      the payment goes to the channel as usual
 *   CHALLENGE  the channel must run 3-D Secure, even for a card it would let through
 *   REVIEW     authorised without capture and held for an operator (approve → capture, reject → void)
 *   DENY       nothing reaches the channel; the order fails with decline code RISK_DECLINED
 */
export { RISK_ACTIONS, RISK_DECLINED, RISK_REVIEW_REJECTED, type RiskAction } from '../domain/risk-gate.js';

export function isRiskAction(value: unknown): value is RiskAction {
  return (RISK_ACTIONS as readonly unknown[]).includes(value);
}

export function severity(action: RiskAction): number {
  return RISK_ACTIONS.indexOf(action);
}

export function mostSevere(a: RiskAction, b: RiskAction): RiskAction {
  return severity(a) >= severity(b) ? a : b;
}

/** One rule that fired: its name, what it asks for, the score it adds and a line for the operator. */
export interface FiredRule {
  rule: string;
  action: RiskAction;
  score: number;
  detail: string;
}

export interface RiskDecision {
  action: RiskAction;
  score: number;
  fired: FiredRule[];
}
