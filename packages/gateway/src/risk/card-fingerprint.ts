import { createHmac } from 'node:crypto';
import type { CounterKey } from './counters.js';

/** Hex digits kept of each keyed hash: 128 bits, far from any collision at payment volumes. */
const KEYED_HASH_HEX = 32;

/**
 * Keyed hashes for risk control. A card is known by its fingerprint,
 * HMAC-SHA-256 of the number under a subkey of the key-encryption key: the
 * same card always gives the same fingerprint on this gateway, and without
 * the key a fingerprint cannot be checked against guessed numbers (a plain
 * hash of a 16-digit number with a known BIN could be). Counter keys hash
 * e-mail, IP, device and user ids the same way, so the counter table holds
 * nothing personal.
 */
export class RiskKeys {
  readonly #secret: Buffer;
  constructor(secret: Buffer) {
    this.#secret = Buffer.from(secret);
  }

  private hash(label: string, value: string): string {
    return createHmac('sha256', this.#secret).update(label).update('\0').update(value).digest('hex').slice(0, KEYED_HASH_HEX);
  }

  cardFingerprint(pan: string): string {
    return `cf_${this.hash('card', pan)}`;
  }

  counterKey(key: CounterKey, value: string): string {
    // The card key is its fingerprint already; the merchant id is not personal.
    if (key === 'card' || key === 'merchant') return `${key}:${value}`;
    return `${key}:${this.hash(key, value)}`;
  }

  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'RiskKeys([redacted])';
  }
}
