import type { AmountMinor } from './money.js';
import type { CurrencyCode } from './currencies.js';

/**
 * What the gateway asks of an acquirer. A real connector and the sandbox
 * implement the same interface; nothing above this line knows which is used.
 */

/** Card data as entered. Lives in memory for one authorisation only: never stored, never logged. */
export interface CardInput {
  holder: string;
  pan: string;
  expiryMonth: number;
  expiryYear: number;
  /** Null only for a merchant-initiated charge on a stored credential: the CVV is never kept, so there is none. */
  cvv: string | null;
  brand: string;
}

export interface AuthorizeRequest {
  orderId: string;
  merchantId: string;
  amountMinor: AmountMinor;
  currency: CurrencyCode;
  card: CardInput;
  /** Risk control asks for 3-D Secure: the channel must challenge the payer even where it would not. */
  forceThreeDSecure?: boolean;
  /** Risk control holds the payment for review: authorise only; `capture` or `voidAuthorization` follows. */
  captureLater?: boolean;
  /**
   * `merchant`: a merchant-initiated charge on a card stored with the payer's
   * consent (a later recurring payment). No CVV, no 3-D Secure: the payer is
   * not present. Absent or `payer`: the payer is paying now.
   */
  initiator?: 'payer' | 'merchant';
}

/** Channel decline codes (ISO 8583 style), mapped to the payer's language by the cashier. */
export const DECLINE_CODES = [
  'DO_NOT_HONOR',
  'INSUFFICIENT_FUNDS',
  'EXPIRED_CARD',
  'CVV_MISMATCH',
  'LOST_CARD',
  'STOLEN_CARD',
  'AUTHENTICATION_FAILED',
  'PROCESSING_ERROR',
] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];

export function isDeclineCode(value: unknown): value is DeclineCode {
  return (DECLINE_CODES as readonly unknown[]).includes(value);
}

/**
 * What a connector throws when its request certainly never reached the
 * acquirer (connection refused, no route): the payment fails at once. Any
 * other error — a timeout, a connection reset after sending — leaves the
 * outcome unknown, because the acquirer may have charged the card.
 */
export class ChannelNotReachedError extends Error {
  override readonly name = 'ChannelNotReachedError';
}

export type AuthorizeResult =
  | {
      outcome: 'approved';
      reference: string;
      authCode: string;
      /**
       * What the channel says it collected, when its callback reports it (a
       * wallet's or bank's notification, a bank transfer). An approval whose
       * amount or currency differs from the order's never marks it paid.
       */
      collected?: { amountMinor: AmountMinor; currency: string };
    }
  | { outcome: 'declined'; reference: string; declineCode: DeclineCode }
  | { outcome: 'challenge'; reference: string; hint?: string }
  | { outcome: 'unknown'; reference: string };

export interface RefundResult {
  outcome: 'succeeded' | 'failed' | 'pending';
  reference: string;
}

export interface ChannelCapabilities {
  /** Authorisation and capture happen in one step. */
  autoCapture: boolean;
  threeDSecure: boolean;
  refunds: boolean;
  currencies: readonly CurrencyCode[];
}

export interface Channel {
  readonly name: string;
  readonly capabilities: ChannelCapabilities;
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  /** Answers a 3-D Secure challenge; the result is approved, declined or still a challenge (wrong code, try again). */
  completeChallenge(reference: string, answer: string): Promise<AuthorizeResult>;
  capture(reference: string, amountMinor: AmountMinor): Promise<{ ok: boolean }>;
  /** Releases an authorisation that was never captured (a held payment the operator rejected). */
  voidAuthorization(reference: string): Promise<{ ok: boolean }>;
  /**
   * Refunds (part of) a captured authorisation. `refundId` is the
   * idempotency key: sending the same refund again (after a crash or a
   * `pending` answer) reports on it and never refunds twice.
   * `requestedAtMs` is when the gateway first asked.
   */
  refund(reference: string, amountMinor: AmountMinor, refundId: string, requestedAtMs: number): Promise<RefundResult>;
  /** The channel's current view of an authorisation: resolves `unknown` outcomes. */
  query(reference: string): Promise<AuthorizeResult>;
  /**
   * Looks an authorisation up by the gateway's order id, for an order whose
   * process stopped after asking the channel and before hearing its answer.
   * Undefined: the channel has no authorisation for the order.
   */
  findByOrder(orderId: string): Promise<AuthorizeResult | undefined>;
}

/** Bank account details a payer transfers to (offline remittance). */
export interface PayeeInfo {
  accountNumber: string;
  bankUnionNumber: string;
  branchBank: string;
  payee: string;
  postscriptNumber: string;
  remittancesAddress: string;
}

/**
 * What the payer must do to pay outside the card form: open a page (wallet
 * WAP, online banking), scan a QR code whose content is `content`, hand the
 * parameters to the WeChat JSAPI or a wallet app SDK.
 */
export type PayerAction =
  | { kind: 'redirect'; url: string }
  | { kind: 'scan'; content: string }
  | { kind: 'jsapi'; jsString: string }
  | { kind: 'app'; appParams: string }
  /** Offline remittance: the account to transfer to, and the postscript that names the order. */
  | { kind: 'remit'; payee: PayeeInfo };

export interface StartRequest {
  orderId: string;
  merchantId: string;
  amountMinor: AmountMinor;
  currency: CurrencyCode;
  /** Which of the channel's methods (`PaymentMethod`), e.g. ALIPAY_SCAN. */
  method: string;
  /** The bank the merchant chose for online banking, if any. */
  bankCode?: string;
  appId?: string;
  openId?: string;
}

/**
 * A channel the payer completes outside the gateway (wallets, online
 * banking) implements `start`: it opens the payment and says what the payer
 * must do. The outcome arrives later, when the channel reports it to
 * `OrderService.completeAtChannel`; `query` answers for it meanwhile.
 */
export interface PayerCompletedChannel extends Channel {
  start(request: StartRequest): Promise<{ reference: string; action: PayerAction }>;
}
