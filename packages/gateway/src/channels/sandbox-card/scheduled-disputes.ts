import type { DisputeStage } from '../../domain/dispute.js';
import { decodeReference } from './transformers.js';

/**
 * The case the sandbox acquirer opens some time after a payment with the
 * chargeback or retrieval magic card, read from the payment's reference
 * (the sandbox keeps no state of its own).
 */
/** The reference prefixes of those two magic cards (see transformers.ts). */
export const SCHEDULED_DISPUTE_PREFIXES: readonly string[] = ['sbx_cb_', 'sbx_rr_'];

export function sandboxDisputeStage(channelReference: string): DisputeStage | undefined {
  const kind = decodeReference(channelReference)?.scenario.kind;
  return kind === 'chargeback' ? 'CHARGEBACK' : kind === 'retrieval' ? 'RETRIEVAL' : undefined;
}
