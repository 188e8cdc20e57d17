import { randomBytes } from 'node:crypto';
import type { AuthorizeRequest, AuthorizeResult, ChannelCapabilities, PayerAction, PayerCompletedChannel, RefundResult, StartRequest } from '../../domain/channel.js';
import type { AmountMinor } from '../../domain/money.js';
import { SUPPORTED_CURRENCIES } from '../../domain/currencies.js';
import { scenarioForAmount, type SimulatedScenario } from './magic-amounts.js';

export interface SimulatedChannelOptions {
  clock: () => number;
  /** Where the simulator pages are served: the public URL of this gateway. */
  publicBaseUrl: string;
  /** How long a timed-out payment stays unknown before a query finds its outcome. */
  unknownResolveDelayMs: number;
}

export type PayerDecision = 'approve' | 'decline';

/** Scenario letters carried inside references, so refunds and queries need no stored state. */
const SCENARIO_TAGS: readonly (readonly [string, SimulatedScenario])[] = [
  ['n', { kind: 'as-decided' }],
  ['i', { kind: 'decline', code: 'INSUFFICIENT_FUNDS' }],
  ['r', { kind: 'decline', code: 'DO_NOT_HONOR' }],
  ['t', { kind: 'timeout', resolvesTo: 'approve' }],
  ['u', { kind: 'timeout', resolvesTo: 'decline' }],
  ['f', { kind: 'refund-fails' }],
];

function tagOf(scenario: SimulatedScenario): string {
  const found = SCENARIO_TAGS.find(([, s]) => JSON.stringify(s) === JSON.stringify(scenario));
  if (!found) throw new Error(`sandbox scenario ${JSON.stringify(scenario)} has no reference tag`);
  return found[0];
}

/**
 * A simulated wallet or bank that the payer completes outside the gateway:
 * `start` opens a payment and says what the payer must do; the simulator
 * page (or a test) reports the payer's decision through `decide`, whose
 * result goes to `OrderService.completeAtChannel`.
 *
 * Decisions are kept in this process only: the sandbox, like the card one,
 * records nothing durable, so a payment whose gateway process stopped
 * between the decision and its recording was never made.
 */
export abstract class SimulatedPayerChannel implements PayerCompletedChannel {
  abstract readonly name: string;
  readonly capabilities: ChannelCapabilities = { autoCapture: true, threeDSecure: false, refunds: true, currencies: SUPPORTED_CURRENCIES };
  private readonly decisions = new Map<string, { result: AuthorizeResult; decidedAtMs: number; resolvesTo?: PayerDecision }>();

  constructor(protected readonly options: SimulatedChannelOptions) {}

  /** Reference prefix, e.g. `ali` (Alipay trade numbers), `wx` (WeChat prepay ids). */
  protected abstract readonly prefix: string;
  protected abstract action(request: StartRequest, reference: string): PayerAction;

  async start(request: StartRequest): Promise<{ reference: string; action: PayerAction }> {
    const scenario = scenarioForAmount(request.amountMinor);
    const reference = `${this.prefix}${tagOf(scenario)}${randomBytes(12).toString('hex')}`;
    return { reference, action: this.action(request, reference) };
  }

  /** The page that stands in for the wallet app or bank site. */
  simulatorUrl(reference: string): string {
    return `${this.options.publicBaseUrl}/simulator/pay/${reference}`;
  }

  /**
   * The payer approved or declined; magic amounts may turn an approval into
   * a decline or a timeout. `collected` is what the wallet's callback says it
   * took, when the callback says it; it travels with the approval so that the
   * order service can hold it against the order.
   */
  decide(reference: string, decision: PayerDecision, collected?: { amountMinor: AmountMinor; currency: string }): AuthorizeResult {
    const earlier = this.decisions.get(reference);
    if (earlier) return earlier.result;
    const scenario = this.scenarioOf(reference);
    let result: AuthorizeResult;
    let resolvesTo: PayerDecision | undefined;
    if (decision === 'decline') result = { outcome: 'declined', reference, declineCode: 'DO_NOT_HONOR' };
    else if (scenario?.kind === 'decline') result = { outcome: 'declined', reference, declineCode: scenario.code };
    else if (scenario?.kind === 'timeout') {
      result = { outcome: 'unknown', reference };
      resolvesTo = scenario.resolvesTo;
    } else result = { outcome: 'approved', reference, authCode: reference.slice(-6).toUpperCase(), ...(collected ? { collected } : {}) };
    this.decisions.set(reference, { result, decidedAtMs: this.options.clock(), ...(resolvesTo ? { resolvesTo } : {}) });
    return result;
  }

  async query(reference: string): Promise<AuthorizeResult> {
    const decided = this.decisions.get(reference);
    if (!decided) return { outcome: 'declined', reference, declineCode: 'PROCESSING_ERROR' };
    if (decided.result.outcome !== 'unknown') return decided.result;
    if (this.options.clock() < decided.decidedAtMs + this.options.unknownResolveDelayMs) return decided.result;
    return decided.resolvesTo === 'approve'
      ? { outcome: 'approved', reference, authCode: reference.slice(-6).toUpperCase() }
      : { outcome: 'declined', reference, declineCode: 'DO_NOT_HONOR' };
  }

  async findByOrder(_orderId: string): Promise<AuthorizeResult | undefined> {
    return undefined;
  }

  async refund(reference: string, _amountMinor: AmountMinor, refundId: string, _requestedAtMs: number): Promise<RefundResult> {
    const refundReference = `${reference}.r.${refundId}`;
    return { outcome: this.scenarioOf(reference)?.kind === 'refund-fails' ? 'failed' : 'succeeded', reference: refundReference };
  }

  /** Card entry points: payers of these channels never hand the gateway a card. */
  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    return { outcome: 'declined', reference: `${this.prefix}-no-card-${request.orderId}`, declineCode: 'PROCESSING_ERROR' };
  }

  async completeChallenge(reference: string): Promise<AuthorizeResult> {
    return { outcome: 'declined', reference, declineCode: 'PROCESSING_ERROR' };
  }

  async capture(reference: string): Promise<{ ok: boolean }> {
    return { ok: this.scenarioOf(reference) !== undefined };
  }

  /** A wallet or bank payment is taken whole when the payer approves it: there is no authorisation to void, only refunds. */
  async voidAuthorization(): Promise<{ ok: boolean }> {
    return { ok: false };
  }

  private scenarioOf(reference: string): SimulatedScenario | undefined {
    if (!reference.startsWith(this.prefix)) return undefined;
    const tag = reference.charAt(this.prefix.length);
    return SCENARIO_TAGS.find(([t]) => t === tag)?.[1];
  }
}
