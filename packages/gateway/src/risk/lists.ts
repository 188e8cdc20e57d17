import { parseCidr } from './ip-address.js';

/**
 * Block and allow lists. A block entry denies the payment; an allow entry
 * lets it through every other rule (a block entry wins over an allow
 * entry). Entries belong to one merchant or, with scope `*`, to all.
 */
export const LIST_KINDS = ['card', 'email', 'ip', 'phone', 'user', 'device'] as const;
export type ListKind = (typeof LIST_KINDS)[number];
export const LIST_NAMES = ['BLOCK', 'ALLOW'] as const;
export type ListName = (typeof LIST_NAMES)[number];
/** Who put an entry on a list. */
export type ListSource = 'operator' | 'chargeback' | 'fraud';

export interface ListEntry {
  entryId: string;
  scope: string;
  list: ListName;
  kind: ListKind;
  value: string;
  reason: string;
  source: ListSource;
  createdAtMs: number;
  expiresAtMs: number | null;
}

/** A card fingerprint as the engine computes it (`card-fingerprint.ts`). */
export const CARD_FINGERPRINT_PATTERN = /^cf_[0-9a-f]{32}$/;

/** The stored form of a list value, or a reason why it cannot be one. */
export function normalizeListValue(kind: ListKind, raw: string): { value: string } | { problem: string } {
  const text = raw.trim();
  if (text === '' || text.length > 254) return { problem: 'must be 1 to 254 characters' };
  switch (kind) {
    case 'card':
      return CARD_FINGERPRINT_PATTERN.test(text) ? { value: text } : { problem: 'a card is listed by its fingerprint (cf_ and 32 hex digits), never by its number' };
    case 'email':
      return /^[^\s@]+@[^\s@]+$/.test(text) ? { value: text.toLowerCase() } : { problem: 'not an e-mail address' };
    case 'ip': {
      const range = parseCidr(text);
      return range ? { value: range.cidr } : { problem: 'not an IP address or CIDR range' };
    }
    case 'phone': {
      const digits = text.replace(/[\s().-]/g, '');
      return /^\+?[0-9]{4,20}$/.test(digits) ? { value: digits } : { problem: 'not a phone number' };
    }
    case 'user':
    case 'device':
      return /^[\x21-\x7e]+$/.test(text) ? { value: text } : { problem: 'printable characters without spaces only' };
  }
}

export function isListKind(value: unknown): value is ListKind {
  return (LIST_KINDS as readonly unknown[]).includes(value);
}
export function isListName(value: unknown): value is ListName {
  return (LIST_NAMES as readonly unknown[]).includes(value);
}
