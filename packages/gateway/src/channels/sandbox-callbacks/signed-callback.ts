import { createHmac, timingSafeEqual } from 'node:crypto';
import { isDeclineCode } from '../../domain/channel.js';
import { UPSTREAM_EVENT_ID_LENGTH_MAX, type ChannelEvent, type InboundMessage, type InboundVerdict } from '../../domain/channel-inbound.js';
import type { AmountMinor } from '../../domain/money.js';

/**
 * How the sandbox upstreams (the simulated acquirer, wallets and bank) call
 * the gateway back: a JSON body signed with HMAC-SHA256 under the channel's
 * callback key, the hex digest in `x-sandbox-signature`. The shape follows
 * what real wallets send (an event id, the trade reference, the outcome).
 */
export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';
export const SANDBOX_CALLBACK_KEY = 'callback-signing-key';
export const SANDBOX_CALLBACK_PATH = '/notify';

export interface SandboxCallback {
  eventId: string;
  reference: string;
  outcome: 'approved' | 'declined';
  authCode?: string;
  declineCode?: string;
  /** What the upstream collected, in minor units as a decimal string. */
  amountMinor?: string;
  currency?: string;
}

function digest(key: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

/** Builds the message the sandbox upstream sends: what the sandbox itself, and tests, post. */
export function signSandboxCallback(key: Buffer, callback: SandboxCallback): InboundMessage {
  const rawBody = Buffer.from(JSON.stringify(callback));
  return { path: SANDBOX_CALLBACK_PATH, headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: digest(key, rawBody).toString('hex') }, rawBody };
}

/** Verifies a sandbox callback (constant-time) and reads its event. */
export function verifySandboxCallback(key: Buffer, message: InboundMessage): InboundVerdict {
  const presented = Buffer.from(message.headers[SANDBOX_SIGNATURE_HEADER] ?? '', 'hex');
  const expected = digest(key, message.rawBody);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { accepted: false, reason: 'signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.rawBody.toString('utf8'));
  } catch {
    return { accepted: false, reason: 'malformed' };
  }
  const event = eventOf(parsed);
  const eventId = (parsed as { eventId?: unknown }).eventId;
  if (!event || typeof eventId !== 'string' || eventId === '' || eventId.length > UPSTREAM_EVENT_ID_LENGTH_MAX) return { accepted: false, reason: 'malformed' };
  return { accepted: true, eventId, event };
}

function eventOf(value: unknown): ChannelEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Record<string, unknown>;
  if (typeof c.reference !== 'string' || c.reference === '') return undefined;
  if (c.outcome === 'declined') return isDeclineCode(c.declineCode) ? { kind: 'failed', reference: c.reference, declineCode: c.declineCode } : undefined;
  if (c.outcome !== 'approved' || typeof c.authCode !== 'string') return undefined;
  if (c.amountMinor === undefined && c.currency === undefined) return { kind: 'authorised', reference: c.reference, authCode: c.authCode };
  if (typeof c.amountMinor !== 'string' || !/^(0|[1-9][0-9]{0,17})$/.test(c.amountMinor) || typeof c.currency !== 'string') return undefined;
  return { kind: 'authorised', reference: c.reference, authCode: c.authCode, collected: { amountMinor: BigInt(c.amountMinor) as AmountMinor, currency: c.currency } };
}

/** The acknowledgement the sandbox upstreams wait for, as Alipay's `success`. */
export const SANDBOX_ACKNOWLEDGEMENT = { contentType: 'text/plain; charset=utf-8', body: 'success' } as const;
