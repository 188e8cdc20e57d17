import type { AmountMinor } from './money.js';
import type { CurrencyCode } from './currencies.js';
import { GatewayError } from './errors.js';

/**
 * A dispute an issuer raises on a paid order, one record per case.
 *
 * Stages, in the order a case can escalate:
 *   RETRIEVAL        (调单) the issuer asks for the order's documents; no money moves
 *   CHARGEBACK       (拒付) the issuer takes the amount back unless the merchant defends it
 *   PRE_ARBITRATION  the issuer disputes again after the merchant's defence
 *
 * Statuses within a stage:
 *   OPEN ──► EVIDENCE_SUBMITTED ──► WON | LOST | REVERSED
 *     ├────► ACCEPTED (the merchant takes the loss)
 *     ├────► WON | LOST | REVERSED (decided without evidence)
 *     └────► EXPIRED (the deadline passed without an answer)
 *
 * Escalation reopens the case (OPEN, a new deadline, evidence may be
 * submitted again): RETRIEVAL → CHARGEBACK from any status, CHARGEBACK →
 * PRE_ARBITRATION after the merchant defended it (EVIDENCE_SUBMITTED or WON).
 *
 * Money: a chargeback-stage case holds its amount (the order's
 * `disputed_minor`, the ledger's dispute hold) from the moment it opens;
 * WON and REVERSED give it back; LOST, ACCEPTED and EXPIRED leave it taken.
 * A retrieval request never moves money.
 */
export const DISPUTE_STAGES = ['RETRIEVAL', 'CHARGEBACK', 'PRE_ARBITRATION'] as const;
export type DisputeStage = (typeof DISPUTE_STAGES)[number];

export const DISPUTE_STATUSES = ['OPEN', 'EVIDENCE_SUBMITTED', 'WON', 'LOST', 'ACCEPTED', 'REVERSED', 'EXPIRED'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** Outcomes an acquirer (through the channel or an operator) decides. EXPIRED is the deadline job's alone. */
export const DISPUTE_OUTCOMES = ['WON', 'LOST', 'ACCEPTED', 'REVERSED'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

/** Who changed a case: the acquirer's feed, an operator, the merchant, or the gateway's own jobs. */
export const DISPUTE_ACTORS = ['CHANNEL', 'OPERATOR', 'MERCHANT', 'SYSTEM'] as const;
export type DisputeActorKind = (typeof DISPUTE_ACTORS)[number];
export interface DisputeActor {
  kind: DisputeActorKind;
  /** Who exactly, when known: an operator's name, the merchant id. */
  name?: string;
}

export interface Dispute {
  disputeId: string;
  orderId: string;
  merchantId: string;
  stage: DisputeStage;
  status: DisputeStatus;
  reasonCode: string;
  reasonText: string | null;
  /** The disputed part of the order (partial disputes allowed), in the order's currency. */
  amountMinor: AmountMinor;
  currency: CurrencyCode;
  /** What this case counts in the order's `disputedMinor` now: its amount while it holds or took money, else 0. */
  heldMinor: bigint;
  /** The acquirer's own case number, when it gave one; opening the same one twice answers the first. */
  acquirerReference: string | null;
  openedAtMs: number;
  /** The merchant must answer by then (card-scheme deadlines are days to weeks). */
  respondByMs: number;
  /** When evidence was submitted in the current stage; null until then (and again after an escalation). */
  evidenceSubmittedAtMs: number | null;
  closedAtMs: number | null;
  updatedAtMs: number;
  version: number;
}

/** One change of a case, as its history keeps it. */
export interface DisputeEvent {
  disputeId: string;
  actor: DisputeActor;
  fromStage: DisputeStage | null;
  fromStatus: DisputeStatus | null;
  toStage: DisputeStage;
  toStatus: DisputeStatus;
  note: string | null;
  atMs: number;
}

/** What a change does to the money: hold the amount, give it back, let the acquirer keep it, or nothing. */
export type DisputeMoneyEffect = 'hold' | 'release' | 'take' | 'none';

/** A planned change: where the case goes and what happens to its money. */
export interface DisputeChange {
  stage: DisputeStage;
  status: DisputeStatus;
  money: DisputeMoneyEffect;
}

/** Scheme-style reason codes used when none is given. */
export const DEFAULT_REASON_CODE: Readonly<Record<DisputeStage, string>> = {
  RETRIEVAL: '6305', // cardholder does not agree with the amount billed
  CHARGEBACK: '4837', // no cardholder authorisation
  PRE_ARBITRATION: '4837',
};

/** Days the merchant has to respond, counted from opening or escalation. */
export const DISPUTE_RESPONSE_DAYS: Readonly<Record<DisputeStage, number>> = { RETRIEVAL: 10, CHARGEBACK: 20, PRE_ARBITRATION: 10 };

export const DAY_MS = 86_400_000;

export function movesMoney(stage: DisputeStage): boolean {
  return stage !== 'RETRIEVAL';
}

/** A case is closed when nothing is expected of the merchant and no decision is pending. */
export function isDisputeClosed(status: DisputeStatus): boolean {
  return status !== 'OPEN' && status !== 'EVIDENCE_SUBMITTED';
}

/** The notification family of a stage: pre-arbitration is a second chargeback. */
export function notifyTypeOf(stage: DisputeStage): 'CHARGEBACK' | 'RETRIEVAL' {
  return stage === 'RETRIEVAL' ? 'RETRIEVAL' : 'CHARGEBACK';
}

function invalid(d: Pick<Dispute, 'stage' | 'status'>, to: string): GatewayError {
  return new GatewayError('DISPUTE_TRANSITION_INVALID', { from: `${d.stage}/${d.status}`, to });
}

/** Opening a case: a chargeback-stage case holds its amount at once. */
export function planOpen(stage: DisputeStage): DisputeChange {
  return { stage, status: 'OPEN', money: movesMoney(stage) ? 'hold' : 'none' };
}

/** The merchant's evidence (retrieval backfill or chargeback defence). State checks only; the deadline is the caller's. */
export function planEvidence(d: Pick<Dispute, 'stage' | 'status'>): DisputeChange {
  if (d.status === 'EVIDENCE_SUBMITTED') throw new GatewayError('DISPUTE_ALREADY_ANSWERED');
  if (d.status !== 'OPEN') throw new GatewayError('DISPUTE_CLOSED', { status: d.status });
  return { stage: d.stage, status: 'EVIDENCE_SUBMITTED', money: 'none' };
}

/** The next stage of a case, when it may escalate from where it is. */
export function nextStage(d: Pick<Dispute, 'stage' | 'status'>): DisputeStage | undefined {
  if (d.stage === 'RETRIEVAL') return 'CHARGEBACK';
  if (d.stage === 'CHARGEBACK' && (d.status === 'EVIDENCE_SUBMITTED' || d.status === 'WON')) return 'PRE_ARBITRATION';
  return undefined;
}

export function planEscalation(d: Pick<Dispute, 'stage' | 'status' | 'heldMinor'>, to: DisputeStage): DisputeChange {
  if (nextStage(d) !== to) throw invalid(d, `${to}/OPEN`);
  // A chargeback whose defence is pending still holds the money; one the merchant won gave it back and the issuer now takes it again.
  return { stage: to, status: 'OPEN', money: d.heldMinor > 0n ? 'none' : 'hold' };
}

/** An acquirer's decision on an open case. */
export function planDecision(d: Pick<Dispute, 'stage' | 'status' | 'heldMinor'>, outcome: DisputeOutcome): DisputeChange {
  const to = `${d.stage}/${outcome}`;
  if (isDisputeClosed(d.status)) throw invalid(d, to);
  if (outcome === 'ACCEPTED' && d.status !== 'OPEN') throw invalid(d, to);
  if (!movesMoney(d.stage)) {
    // A retrieval request is closed in the merchant's favour (WON) or escalates; nothing else applies.
    if (outcome !== 'WON') throw invalid(d, to);
    return { stage: d.stage, status: 'WON', money: 'none' };
  }
  if (d.heldMinor <= 0n) throw new Error(`dispute at ${d.stage}/${d.status} holds no money`);
  return { stage: d.stage, status: outcome, money: outcome === 'WON' || outcome === 'REVERSED' ? 'release' : 'take' };
}

/** The deadline passed with the case still OPEN: the merchant did not answer. */
export function planExpiry(d: Pick<Dispute, 'stage' | 'status'>): DisputeChange {
  if (d.status !== 'OPEN') throw invalid(d, `${d.stage}/EXPIRED`);
  return { stage: d.stage, status: 'EXPIRED', money: movesMoney(d.stage) ? 'take' : 'none' };
}

/** Scheme reason codes: Visa `10.4`, Mastercard `4837`, and the like. */
export const REASON_CODE_PATTERN = /^[0-9A-Za-z.]{1,8}$/;
