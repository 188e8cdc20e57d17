/**
 * The sandbox card acquirer behind a faulty line: an authorisation or refund
 * that reaches the acquirer but whose answer is lost (a timeout after
 * sending), one that never reaches it, queries that fail while the channel is
 * down, and references whose queries fail for good. The acquirer itself (and
 * its book) is the real sandbox.
 */
import { SandboxCardChannel } from '../../src/channels/sandbox-card/index.js';
import { ChannelNotReachedError, type AuthorizeRequest, type AuthorizeResult, type Channel, type RefundResult } from '../../src/domain/channel.js';
import type { AmountMinor } from '../../src/domain/money.js';

export type AuthorizeFault = 'none' | 'answerLost' | 'notReached';

export class FaultyChannel implements Channel {
  readonly name: string;
  readonly capabilities: Channel['capabilities'];
  /** Per order id: what happens to its authorisation. */
  readonly authorizeFaults = new Map<string, AuthorizeFault>();
  /** Authorisation references whose next refund loses its answer (the acquirer refunds, the gateway hears nothing). */
  readonly refundAnswerLost = new Set<string>();
  /** Until this time every query (and look-up by order) times out. */
  deadUntilMs = 0;
  /** References whose queries always time out. */
  readonly poisoned = new Set<string>();
  calls = { authorize: 0, query: 0, refund: 0, timeouts: 0, refundAnswersLost: 0 };

  constructor(
    private readonly inner: SandboxCardChannel,
    private readonly clock: () => number,
  ) {
    this.name = inner.name;
    this.capabilities = inner.capabilities;
  }

  private timeout(): never {
    this.calls.timeouts += 1;
    throw new Error('channel request timed out');
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    this.calls.authorize += 1;
    const fault = this.authorizeFaults.get(request.orderId) ?? 'none';
    if (fault === 'notReached') throw new ChannelNotReachedError('connection refused');
    const result = await this.inner.authorize(request);
    if (fault === 'answerLost') this.timeout();
    return result;
  }

  completeChallenge(reference: string, answer: string): Promise<AuthorizeResult> {
    return this.inner.completeChallenge(reference, answer);
  }

  capture(reference: string, amountMinor: AmountMinor): Promise<{ ok: boolean }> {
    return this.inner.capture(reference, amountMinor);
  }

  voidAuthorization(reference: string): Promise<{ ok: boolean }> {
    return this.inner.voidAuthorization(reference);
  }

  async refund(reference: string, amountMinor: AmountMinor, refundId: string, requestedAtMs: number): Promise<RefundResult> {
    this.calls.refund += 1;
    const result = await this.inner.refund(reference, amountMinor, refundId, requestedAtMs);
    if (this.refundAnswerLost.delete(reference)) {
      this.calls.refundAnswersLost += 1;
      this.timeout();
    }
    return result;
  }

  async query(reference: string): Promise<AuthorizeResult> {
    this.calls.query += 1;
    if (this.clock() < this.deadUntilMs || this.poisoned.has(reference)) this.timeout();
    return this.inner.query(reference);
  }

  async findByOrder(orderId: string): Promise<AuthorizeResult | undefined> {
    if (this.clock() < this.deadUntilMs) this.timeout();
    return this.inner.findByOrder(orderId);
  }
}
