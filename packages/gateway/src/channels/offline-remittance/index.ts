import { randomInt } from 'node:crypto';
import type { AuthorizeRequest, AuthorizeResult, ChannelCapabilities, PayeeInfo, PayerAction, PayerCompletedChannel, RefundResult, StartRequest } from '../../domain/channel.js';
import type { AmountMinor } from '../../domain/money.js';

/**
 * The sandbox collection account payers transfer to. A live deployment
 * would name its own account here; the sandbox's is fictitious.
 */
export const SANDBOX_PAYEE: Omit<PayeeInfo, 'postscriptNumber'> = {
  accountNumber: '6222020000000000000',
  bankUnionNumber: '102100099996',
  branchBank: 'ICBC Beijing Sandbox Branch',
  payee: 'OpenCashier Sandbox Collection Account',
  remittancesAddress: 'Beijing, China',
};

/** Postscript alphabet: digits and capitals without 0/O and 1/I, which payers mistype in a bank form. */
const POSTSCRIPT_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** 10 characters of 32: 2^50 postscripts, so one cannot be guessed to pay (or confuse) another payer's order. */
const POSTSCRIPT_LENGTH = 10;

export function newPostscript(): string {
  let s = 'OC';
  for (let i = 0; i < POSTSCRIPT_LENGTH; i += 1) s += POSTSCRIPT_ALPHABET[randomInt(POSTSCRIPT_ALPHABET.length)];
  return s;
}

/** A postscript as a payer may have typed it: spaces dropped, lower case raised. */
export function normalisePostscript(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/**
 * Offline bank remittance (`OFFLINE-P2P`): the payer transfers to the
 * collection account with the order's postscript; an operator records the
 * incoming transfer (`RemittanceService`), which completes the order. The
 * channel's reference is the postscript. Refunds are transfers back that
 * the operator makes; the sandbox reports them done.
 */
export class OfflineRemittanceChannel implements PayerCompletedChannel {
  readonly name = 'offline-remittance';
  readonly capabilities: ChannelCapabilities = { autoCapture: true, threeDSecure: false, refunds: true, currencies: ['CNY'] };

  async start(_request: StartRequest): Promise<{ reference: string; action: PayerAction }> {
    const postscriptNumber = newPostscript();
    return { reference: postscriptNumber, action: { kind: 'remit', payee: { ...SANDBOX_PAYEE, postscriptNumber } } };
  }

  /** Only a recorded transfer says whether the payer paid; until then the question stays open. */
  async query(reference: string): Promise<AuthorizeResult> {
    return { outcome: 'unknown', reference };
  }

  async findByOrder(_orderId: string): Promise<AuthorizeResult | undefined> {
    return undefined;
  }

  async refund(reference: string, _amountMinor: AmountMinor, refundId: string): Promise<RefundResult> {
    return { outcome: 'succeeded', reference: `${reference}.r.${refundId}` };
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    return { outcome: 'declined', reference: `remit-no-card-${request.orderId}`, declineCode: 'PROCESSING_ERROR' };
  }

  async completeChallenge(reference: string): Promise<AuthorizeResult> {
    return { outcome: 'declined', reference, declineCode: 'PROCESSING_ERROR' };
  }

  async capture(): Promise<{ ok: boolean }> {
    return { ok: true };
  }

  /** A bank transfer has arrived when it is recorded: nothing to void, only to send back (a refund). */
  async voidAuthorization(): Promise<{ ok: boolean }> {
    return { ok: false };
  }
}
