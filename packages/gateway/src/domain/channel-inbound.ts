import type { AmountMinor } from './money.js';
import type { DeclineCode } from './channel.js';

/**
 * The contract for a channel's upstream calling the gateway back (a
 * webhook, an async notify). The channel owns routes under
 * `/channels/<name>/…`; it verifies each message itself and translates it
 * into a domain event. The gateway applies the event through the same
 * commands as a synchronous answer, once per upstream event id, and records
 * the id in the transaction of the state change and its notification.
 */

/** One upstream message as it arrived, before anything is trusted. */
export interface InboundMessage {
  /** The path below `/channels/<name>`, e.g. `/notify`. */
  path: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body byte for byte: signatures are over the bytes, not a parse of them. */
  rawBody: Buffer;
}

/** What an upstream can tell the gateway, in domain terms. */
export type ChannelEvent =
  | { kind: 'authorised'; reference: string; authCode: string; collected?: { amountMinor: AmountMinor; currency: string } }
  | { kind: 'failed'; reference: string; declineCode: DeclineCode };

export type InboundVerdict =
  | { accepted: true; eventId: string; event: ChannelEvent }
  /** `signature`: not from the upstream (or altered); `malformed`: signed, but not a message the channel knows. */
  | { accepted: false; reason: 'signature' | 'malformed' };

export interface ChannelInbound {
  /** The paths below `/channels/<name>` the upstream posts to. */
  readonly paths: readonly string[];
  /** Checks the signature (constant-time) and reads the event. Pure: no state is touched. */
  verify(message: InboundMessage): InboundVerdict;
  /** What the upstream expects back once an event is applied (or was applied before), so it stops resending. */
  readonly acknowledgement: { contentType: string; body: string };
}

/** Upstream event ids are stored: a bound keeps a hostile or broken upstream from writing megabytes per row. */
export const UPSTREAM_EVENT_ID_LENGTH_MAX = 128;
