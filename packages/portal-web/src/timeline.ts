import type { MessageKey } from './i18n/en.js';
import { formatMinor } from './money.js';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A line of the timeline in the viewer's language; `untranslated` when the gateway wrote something this page does not know. */
export interface TimelineText {
  text: string;
  untranslated: boolean;
}

const EXACT: Record<string, MessageKey> = {
  created: 'why.created',
  'card submitted': 'why.cardSubmitted',
  '3-D Secure challenge': 'why.challenge',
  'challenge answered': 'why.challengeAnswered',
  'payer cancelled the challenge': 'why.payerCancelled',
  'channel not reached': 'why.channelNotReached',
  'channel outcome unknown': 'why.channelUnknown',
  'request error': 'why.requestError',
  'response error': 'why.responseError',
  'denied by risk control': 'why.riskDenied',
  'risk control error': 'why.riskError',
  'expired unpaid': 'why.expired',
  'cancelled by the merchant': 'why.merchantCancelled',
  'cancelled by the merchant before the channel answered': 'why.merchantCancelledEarly',
  'no authorisation at the channel after a restart': 'why.noAuthorisation',
};

const STATES = new Set(['INIT', 'PROCESSING', 'CHALLENGE', 'UNKNOWN', 'REVIEW', 'SUCCESS', 'FAILED', 'CANCEL']);

/** An order state as a word of the viewer's language; an unknown state stays as the gateway's code. */
export function stateName(state: string, t: Translate): string {
  return STATES.has(state) ? t(`state.${state}` as MessageKey) : state;
}

/**
 * The gateway's reason for a move, as the order-event log writes it, in the
 * viewer's language. Amounts in refund lines are minor units on the log and
 * shown as decimals in the order's currency.
 */
export function timelineReason(reason: string, currency: string, t: Translate): TimelineText {
  const exact = EXACT[reason];
  if (exact) return { text: t(exact), untranslated: false };
  const wrapped = (key: MessageKey, inner: string): TimelineText => {
    const r = timelineReason(inner, currency, t);
    return { text: t(key, { reason: r.text }), untranslated: r.untranslated };
  };
  let m: RegExpExecArray | null;
  if ((m = /^(.*): captured$/.exec(reason))) return wrapped('why.captured', m[1]!);
  if ((m = /^(.*): the capture failed$/.exec(reason))) return wrapped('why.captureFailed', m[1]!);
  if ((m = /^(.*) \(the void failed; the authorisation lapses\)$/.exec(reason))) return wrapped('why.voidFailed', m[1]!);
  const known = (key: MessageKey, params: Record<string, string>): TimelineText => ({ text: t(key, params), untranslated: false });
  if ((m = /^approved (\S*)$/.exec(reason))) return known('why.approved', { code: m[1]! });
  if ((m = /^declined (\S+)$/.exec(reason))) return known('why.declined', { code: m[1]! });
  if ((m = /^authorised (\S*), held for review$/.exec(reason))) return known('why.held', { code: m[1]! });
  if ((m = /^refund (\S+) of (\d+) requested$/.exec(reason))) return known('why.refundRequested', { id: m[1]!, amount: `${formatMinor(m[2]!, currency)} ${currency}` });
  if ((m = /^refund (\S+) succeeded$/.exec(reason))) return known('why.refundSucceeded', { id: m[1]! });
  if ((m = /^refund (\S+) failed \((.*)\)$/.exec(reason))) return known('why.refundFailed', { id: m[1]!, code: m[2]! });
  if ((m = /^delivery (\S+) \((.*)\)$/.exec(reason))) return known('why.delivery', { status: m[1]!, tracking: m[2]! });
  if ((m = /^dispute (\S+) (.+)$/.exec(reason))) return known('why.dispute', { id: m[1]!, change: m[2]! });
  if ((m = /^started (\S+) at (\S+)$/.exec(reason))) return known('why.started', { method: m[1]!, channel: m[2]! });
  if ((m = /^(\S+) → (\S+)$/.exec(reason))) return known('why.changed', { from: stateName(m[1]!, t), to: stateName(m[2]!, t) });
  return { text: reason, untranslated: true };
}
