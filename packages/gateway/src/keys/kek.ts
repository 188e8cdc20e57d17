import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The key-encryption key (KEK) protects everything the gateway keeps that
 * must stay secret at rest: its RSA private key and vaulted card numbers.
 * Each use gets its own subkey (HKDF with a purpose label), so a card token
 * can never be decrypted as a key file or the other way round.
 */
export const KEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';

export type KekPurpose = 'gateway-key' | 'card-vault' | 'cashier-session' | 'envelope-rejection' | 'card-fingerprint' | 'reconciliation-links' | 'merchant-secret' | 'portal-totp';

export class KeyEncryptionKey {
  readonly #key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== KEK_BYTES) throw new Error(`the key-encryption key must be ${KEK_BYTES} bytes`);
    this.#key = Buffer.from(key);
  }

  static fromBase64(text: string): KeyEncryptionKey {
    return new KeyEncryptionKey(Buffer.from(text.trim(), 'base64'));
  }

  static generate(): KeyEncryptionKey {
    return new KeyEncryptionKey(randomBytes(KEK_BYTES));
  }

  toBase64(): string {
    return this.#key.toString('base64');
  }

  subkey(purpose: KekPurpose): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), `opencashier:${purpose}`, 32));
  }

  /** AES-256-GCM; the purpose is bound as associated data, so a ciphertext only opens for its purpose. */
  seal(purpose: KekPurpose, plaintext: Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.subkey(purpose), iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [FORMAT_VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(purpose: KekPurpose, sealed: string): Buffer {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== FORMAT_VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.subkey(purpose), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(purpose));
    const tagBytes = Buffer.from(tag, 'base64url');
    if (tagBytes.length !== TAG_BYTES) throw new Error('not a sealed value');
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }

  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'KeyEncryptionKey([redacted])';
  }
}
