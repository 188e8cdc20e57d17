import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The key-encryption key (KEK) protects everything the gateway keeps that
 * must stay secret at rest: its RSA private key and vaulted card numbers.
 * Each use gets its own subkey (HKDF with a purpose label), so a card token
 * can never be decrypted as a key file or the other way round.
 *
 * A KEK can be rotated (`opencashier kek rotate`, docs/deploy.md): the new
 * key seals, the previous ones (OPENCASHIER_KEK_PREVIOUS) only open until
 * every sealed value has been re-wrapped. Each sealed value names the key
 * that sealed it, so a value sealed under a key this gateway does not have
 * is refused as such instead of failing as "tampered".
 */
export const KEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** v1: `v1.iv.tag.body`, from before rotation existed (no key id). v2: `v2.keyId.iv.tag.body`. */
const FORMAT_LEGACY = 'v1';
const FORMAT_VERSION = 'v2';

/** Purposes that encrypt a value kept at rest: rotation re-wraps these. */
export type SealPurpose = 'gateway-key' | 'card-vault' | 'merchant-secret' | 'portal-totp' | 'derived-keys';
/**
 * Purposes whose subkey is used as a key of its own (HMAC, link signing):
 * their values must stay the same across a rotation (a card fingerprint on a
 * block list must still match), so they are kept wrapped in the data
 * directory, not re-derived from each new KEK (see derived-keys.ts).
 */
export type DerivedPurpose = 'cashier-session' | 'envelope-rejection' | 'card-fingerprint' | 'reconciliation-links' | 'channel-secrets';
export type KekPurpose = SealPurpose | DerivedPurpose;
// channel-secrets: the root each channel's own secrets (its upstream's callback signing key) are derived from.
export const DERIVED_PURPOSES: readonly DerivedPurpose[] = ['cashier-session', 'envelope-rejection', 'card-fingerprint', 'reconciliation-links', 'channel-secrets'];

/** A sealed value names a key this gateway does not have: refused, never guessed at. */
export class UnknownKeyIdError extends Error {
  constructor(readonly keyId: string) {
    super(`sealed under key ${keyId}, which is not configured`);
  }
}

function keyIdOf(key: Buffer): string {
  // A one-way tag of the key: names it in every sealed value without revealing anything about it.
  return createHmac('sha256', key).update('opencashier:kek-id').digest('hex').slice(0, 16);
}

export class KeyEncryptionKey {
  readonly #key: Buffer;
  /** This key first, then the previous keys that still open (never seal). */
  readonly #ring: Map<string, Buffer>;
  #derived: ReadonlyMap<DerivedPurpose, Buffer> | undefined;
  /** Names the current key in every value it seals. */
  readonly id: string;

  constructor(key: Buffer, previous: readonly Buffer[] = []) {
    for (const k of [key, ...previous]) if (k.length !== KEK_BYTES) throw new Error(`the key-encryption key must be ${KEK_BYTES} bytes`);
    this.#key = Buffer.from(key);
    this.id = keyIdOf(this.#key);
    this.#ring = new Map([[this.id, this.#key]]);
    for (const k of previous) if (!this.#ring.has(keyIdOf(k))) this.#ring.set(keyIdOf(k), Buffer.from(k));
  }

  static fromBase64(text: string, previous: readonly string[] = []): KeyEncryptionKey {
    return new KeyEncryptionKey(
      Buffer.from(text.trim(), 'base64'),
      previous.map((p) => Buffer.from(p.trim(), 'base64')),
    );
  }

  static generate(): KeyEncryptionKey {
    return new KeyEncryptionKey(randomBytes(KEK_BYTES));
  }

  toBase64(): string {
    return this.#key.toString('base64');
  }

  /** The ids of every key that opens, current first. */
  get keyIds(): string[] {
    return [...this.#ring.keys()];
  }

  /** Pins the keys of the derived purposes (loaded from the data directory), so they outlive a rotation. */
  useDerivedKeys(keys: ReadonlyMap<DerivedPurpose, Buffer>): void {
    this.#derived = new Map(keys);
  }

  subkey(purpose: KekPurpose): Buffer {
    const pinned = this.#derived?.get(purpose as DerivedPurpose);
    if (pinned) return Buffer.from(pinned);
    return KeyEncryptionKey.derive(this.#key, purpose);
  }

  /** The subkey a KEK gives for a purpose, as it was before any pinning. */
  deriveFromCurrent(purpose: KekPurpose): Buffer {
    return KeyEncryptionKey.derive(this.#key, purpose);
  }

  private static derive(key: Buffer, purpose: KekPurpose): Buffer {
    return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `opencashier:${purpose}`, 32));
  }

  /** AES-256-GCM; the purpose is bound as associated data, so a ciphertext only opens for its purpose. */
  seal(purpose: SealPurpose, plaintext: Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', KeyEncryptionKey.derive(this.#key, purpose), iv);
    cipher.setAAD(Buffer.from(`${purpose}:${this.id}`));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [FORMAT_VERSION, this.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** True when the value is sealed under the current key (a rotation leaves it alone). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`${FORMAT_VERSION}.${this.id}.`);
  }

  open(purpose: SealPurpose, sealed: string): Buffer {
    const parts = sealed.split('.');
    if (parts[0] === FORMAT_LEGACY && parts.length === 4) {
      // Sealed before key ids existed: by the one key there was, which is now current or previous.
      let lastError: unknown;
      for (const key of this.#ring.values()) {
        try {
          return openWith(key, purpose, Buffer.from(purpose), parts[1]!, parts[2]!, parts[3]!);
        } catch (error) {
          lastError = error;
        }
      }
      throw lastError instanceof Error ? lastError : new Error('not a sealed value');
    }
    const [version, keyId, iv, tag, body] = parts;
    if (version !== FORMAT_VERSION || parts.length !== 5 || !keyId || !iv || !tag || body === undefined) throw new Error('not a sealed value');
    const key = this.#ring.get(keyId);
    if (!key) throw new UnknownKeyIdError(keyId);
    return openWith(key, purpose, Buffer.from(`${purpose}:${keyId}`), iv, tag, body);
  }

  /** Opens under whichever configured key sealed it and seals under the current one. */
  rewrap(purpose: SealPurpose, sealed: string): string {
    return this.seal(purpose, this.open(purpose, sealed));
  }

  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'KeyEncryptionKey([redacted])';
  }
}

function openWith(key: Buffer, purpose: SealPurpose, aad: Buffer, iv: string, tag: string, body: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `opencashier:${purpose}`, 32)), Buffer.from(iv, 'base64url'));
  decipher.setAAD(aad);
  const tagBytes = Buffer.from(tag, 'base64url');
  if (tagBytes.length !== TAG_BYTES) throw new Error('not a sealed value');
  decipher.setAuthTag(tagBytes);
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
}
