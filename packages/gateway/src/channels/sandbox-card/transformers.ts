import { isDeclineCode } from '../../domain/channel.js';
import type { Scenario } from './magic-cards.js';

/**
 * Sandbox references look like `sbx_<scenario>_<issued ms, base 36>_<random>`:
 * readable in logs and the back office, and all a query needs.
 */
const SCENARIO_TAGS: Record<string, Scenario> = {
  ok: { kind: 'approve' },
  '3ds': { kind: 'challenge' },
  unkok: { kind: 'unknown', resolvesTo: 'approve' },
  unkno: { kind: 'unknown', resolvesTo: 'decline' },
  cb: { kind: 'chargeback' },
  rr: { kind: 'retrieval' },
  rfail: { kind: 'refund-fails' },
  rpend: { kind: 'refund-pending' },
};

function tagOf(s: Scenario): string {
  switch (s.kind) {
    case 'approve':
      return 'ok';
    case 'challenge':
      return '3ds';
    case 'unknown':
      return s.resolvesTo === 'approve' ? 'unkok' : 'unkno';
    case 'chargeback':
      return 'cb';
    case 'retrieval':
      return 'rr';
    case 'refund-fails':
      return 'rfail';
    case 'refund-pending':
      return 'rpend';
    case 'decline':
      return `dn-${s.code}`;
  }
}

export function encodeReference(scenario: Scenario, issuedAtMs: number, random: string): string {
  return `sbx_${tagOf(scenario)}_${issuedAtMs.toString(36)}_${random}`;
}

export function decodeReference(reference: string): { scenario: Scenario; issuedAtMs: number } | undefined {
  const m = /^sbx_([A-Za-z0-9_-]+?)_([0-9a-z]+)_([0-9a-f]+)$/.exec(reference);
  if (!m) return undefined;
  const [, tag, issued] = m as unknown as [string, string, string];
  const declineCode = tag.startsWith('dn-') ? tag.slice(3) : undefined;
  const scenario: Scenario | undefined = declineCode === undefined ? (Object.hasOwn(SCENARIO_TAGS, tag) ? SCENARIO_TAGS[tag] : undefined) : isDeclineCode(declineCode) ? { kind: 'decline', code: declineCode } : undefined;
  if (!scenario) return undefined;
  return { scenario, issuedAtMs: parseInt(issued, 36) };
}
