import { GatewayError } from '../domain/errors.js';
import type { RiskKeys } from './card-fingerprint.js';
import { ipSortKey, parseCidr } from './ip-address.js';
import { isListKind, isListName, normalizeListValue, type ListEntry } from './lists.js';
import type { RiskRepository } from './risk-repository.js';

const DAY_MS = 86_400_000;

/** A list entry as an operator asks for it (admin API, CLI). */
export interface ListEntryRequest {
  list?: unknown;
  kind?: unknown;
  value?: unknown;
  /** A card is listed from its number, which becomes a fingerprint here and is not kept. */
  cardNumber?: unknown;
  /** A merchant id, or `*` (default) for every merchant. */
  scope?: unknown;
  reason?: unknown;
  expiresInDays?: unknown;
}

/** Checks and stores operator list entries. */
export class ListService {
  constructor(private readonly deps: { repository: RiskRepository; keys: RiskKeys; clock: () => number }) {}

  async add(request: ListEntryRequest): Promise<ListEntry> {
    const invalid = (field: string, reason: string) => new GatewayError('FIELD_INVALID', { field, reason });
    if (!isListName(request.list)) throw invalid('list', 'BLOCK or ALLOW');
    if (!isListKind(request.kind)) throw invalid('kind', 'card, email, ip, phone, user or device');
    let raw: string;
    if (request.kind === 'card' && request.cardNumber !== undefined) {
      if (typeof request.cardNumber !== 'string' || !/^[0-9]{12,19}$/.test(request.cardNumber)) throw invalid('cardNumber', '12 to 19 digits');
      raw = this.deps.keys.cardFingerprint(request.cardNumber);
    } else if (typeof request.value === 'string') raw = request.value;
    else throw new GatewayError('FIELD_MISSING', { field: request.kind === 'card' ? 'value or cardNumber' : 'value' });
    const normalized = normalizeListValue(request.kind, raw);
    if ('problem' in normalized) throw invalid('value', normalized.problem);
    const scope = request.scope ?? '*';
    if (typeof scope !== 'string' || (scope !== '*' && !/^[0-9]{9}$/.test(scope))) throw invalid('scope', 'a 9-digit merchant id or *');
    const reason = request.reason ?? '';
    if (typeof reason !== 'string' || reason.length > 255) throw invalid('reason', 'text of at most 255 characters');
    const days = request.expiresInDays;
    if (days !== undefined && (typeof days !== 'number' || !Number.isSafeInteger(days) || days < 1 || days > 3650)) throw invalid('expiresInDays', 'a whole number of days from 1 to 3650');
    const now = this.deps.clock();
    const range = request.kind === 'ip' ? parseCidr(normalized.value)! : undefined;
    return this.deps.repository.addListEntry(
      { scope, list: request.list, kind: request.kind, value: normalized.value, reason, source: 'operator', createdAtMs: now, expiresAtMs: days === undefined ? null : now + (days as number) * DAY_MS },
      range ? { start: ipSortKey(range.start), end: ipSortKey(range.end) } : undefined,
    );
  }
}
