import { randomBytes } from 'node:crypto';
import type { AuthorizeRequest, AuthorizeResult, Channel, ChannelCapabilities, RefundResult } from '../../domain/channel.js';
import type { AmountMinor } from '../../domain/money.js';
import { SUPPORTED_CURRENCIES } from '../../domain/currencies.js';
import { SANDBOX_CHALLENGE_CODE, scenarioFor, type Scenario } from './magic-cards.js';
import { decodeReference, encodeReference } from './transformers.js';
import { SandboxJournal } from './journal.js';

export interface SandboxCardChannelOptions {
  clock: () => number;
  /** How long an `unknown` outcome stays unknown before a query resolves it. */
  unknownResolveDelayMs: number;
  /** Where the sandbox keeps its own book of what it answered (unset: it keeps none). */
  journalFile?: string;
}

/**
 * A simulated card acquirer. It keeps no state: the scenario and the time of
 * authorisation travel inside the reference it hands out, so any gateway
 * process (or a restarted one) answers a query the same way.
 */
export class SandboxCardChannel implements Channel {
  readonly name = 'sandbox-card';
  readonly capabilities: ChannelCapabilities = {
    autoCapture: true,
    threeDSecure: true,
    refunds: true,
    currencies: SUPPORTED_CURRENCIES,
  };

  private readonly journal: SandboxJournal | undefined;

  constructor(private readonly options: SandboxCardChannelOptions) {
    this.journal = options.journalFile ? new SandboxJournal(options.journalFile) : undefined;
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const natural = scenarioFor(request.card.pan);
    // A merchant-initiated charge has no payer to challenge: issuers exempt it, the sandbox approves it.
    const asked: Scenario = request.initiator === 'merchant' && natural.kind === 'challenge' ? { kind: 'approve' } : natural;
    // Forced 3-D Secure (risk control): a card the issuer would let through frictionless is challenged instead,
    // unless the payer is not there to answer (a merchant-initiated charge).
    const frictionless = asked.kind === 'approve' || asked.kind === 'chargeback' || asked.kind === 'retrieval' || asked.kind === 'refund-fails' || asked.kind === 'refund-pending';
    const scenario: Scenario = request.forceThreeDSecure && frictionless && request.initiator !== 'merchant' ? { kind: 'challenge' } : asked;
    const reference = encodeReference(scenario, this.options.clock(), randomBytes(6).toString('hex'));
    const result = this.outcome(scenario, reference, 'authorize');
    this.journal?.append({
      kind: 'authorize',
      orderId: request.orderId,
      reference,
      outcome: result.outcome,
      amountMinor: request.amountMinor.toString(),
      currency: request.currency,
      atMs: this.options.clock(),
    });
    return result;
  }

  async completeChallenge(reference: string, answer: string): Promise<AuthorizeResult> {
    const decoded = decodeReference(reference);
    if (!decoded || decoded.scenario.kind !== 'challenge') return { outcome: 'declined', reference, declineCode: 'PROCESSING_ERROR' };
    return answer === SANDBOX_CHALLENGE_CODE
      ? { outcome: 'approved', reference, authCode: authCode(reference) }
      : { outcome: 'declined', reference, declineCode: 'AUTHENTICATION_FAILED' };
  }

  async capture(reference: string, _amountMinor: AmountMinor): Promise<{ ok: boolean }> {
    return { ok: decodeReference(reference) !== undefined };
  }

  /** The sandbox keeps no authorisations: any reference it issued can be voided. */
  async voidAuthorization(reference: string): Promise<{ ok: boolean }> {
    return { ok: decodeReference(reference) !== undefined };
  }

  /**
   * Stateless like the rest: the outcome follows from the authorisation's
   * scenario and, for pending refunds, from how long ago the gateway first
   * asked. The same refund id always gets the same reference.
   */
  async refund(reference: string, amountMinor: AmountMinor, refundId: string, requestedAtMs: number): Promise<RefundResult> {
    const result = this.refundOutcome(reference, refundId, requestedAtMs);
    this.journal?.append({ kind: 'refund', refundId, reference, outcome: result.outcome, amountMinor: amountMinor.toString(), atMs: this.options.clock() });
    return result;
  }

  private refundOutcome(reference: string, refundId: string, requestedAtMs: number): RefundResult {
    const decoded = decodeReference(reference);
    const refundReference = `${reference}.r.${refundId}`;
    if (!decoded || decoded.scenario.kind === 'refund-fails') return { outcome: 'failed', reference: refundReference };
    if (decoded.scenario.kind === 'refund-pending' && this.options.clock() < requestedAtMs + this.options.unknownResolveDelayMs) {
      return { outcome: 'pending', reference: refundReference };
    }
    return { outcome: 'succeeded', reference: refundReference };
  }

  async query(reference: string): Promise<AuthorizeResult> {
    const decoded = decodeReference(reference);
    if (!decoded) return { outcome: 'declined', reference, declineCode: 'PROCESSING_ERROR' };
    return this.outcome(decoded.scenario, reference, 'query', decoded.issuedAtMs);
  }

  /**
   * Without a journal the sandbox records nothing, so an order whose gateway
   * process died before the answer was never authorised. With one, the
   * authorisation it answered is found and reported as a query would.
   */
  async findByOrder(orderId: string): Promise<AuthorizeResult | undefined> {
    const entry = this.journal?.authorizationOf(orderId);
    return entry ? this.query(entry.reference) : undefined;
  }

  private outcome(scenario: Scenario, reference: string, via: 'authorize' | 'query', issuedAtMs = 0): AuthorizeResult {
    switch (scenario.kind) {
      case 'approve':
      case 'chargeback':
      case 'retrieval':
      case 'refund-fails':
      case 'refund-pending':
        return { outcome: 'approved', reference, authCode: authCode(reference) };
      case 'decline':
        return { outcome: 'declined', reference, declineCode: scenario.code };
      case 'challenge':
        // A query cannot answer a challenge; it stays pending on the payer.
        return { outcome: 'challenge', reference, hint: `Sandbox: enter ${SANDBOX_CHALLENGE_CODE} to pass, anything else to fail.` };
      case 'unknown': {
        const resolved = via === 'query' && this.options.clock() >= issuedAtMs + this.options.unknownResolveDelayMs;
        if (!resolved) return { outcome: 'unknown', reference };
        return scenario.resolvesTo === 'approve'
          ? { outcome: 'approved', reference, authCode: authCode(reference) }
          : { outcome: 'declined', reference, declineCode: 'DO_NOT_HONOR' };
      }
    }
  }
}

/** A six-digit approval code, stable for a reference (acquirers print it on receipts). */
function authCode(reference: string): string {
  let h = 0;
  for (const ch of reference) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return String(h % 1_000_000).padStart(6, '0');
}
