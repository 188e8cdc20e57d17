import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { KeyEncryptionKey } from './kek.js';
import { CardVault } from './card-vault.js';

describe('key-encryption key and card vault', () => {
  const kek = KeyEncryptionKey.generate();

  it('seals and opens for the same purpose only', () => {
    const sealed = kek.seal('gateway-key', Buffer.from('secret'));
    expect(kek.open('gateway-key', sealed).toString()).toBe('secret');
    expect(() => kek.open('card-vault', sealed)).toThrow();
    expect(() => KeyEncryptionKey.generate().open('gateway-key', sealed)).toThrow();
  });

  it('detects tampering', () => {
    const sealed = kek.seal('gateway-key', Buffer.from('secret'));
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;
    parts[3] = body.toString('base64url');
    expect(() => kek.open('gateway-key', parts.join('.'))).toThrow();
  });

  it('never prints itself', () => {
    expect(JSON.stringify({ kek })).not.toContain(kek.toBase64());
    expect(inspect(kek)).not.toContain(kek.toBase64());
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new KeyEncryptionKey(Buffer.alloc(16))).toThrow();
  });

  it('vault tokens hide the PAN and give it back', () => {
    const vault = new CardVault(kek);
    const token = vault.tokenize('4242424242424242');
    expect(token).not.toContain('4242424242424242');
    expect(token).not.toContain('424242');
    expect(vault.detokenize(token)).toBe('4242424242424242');
    expect(vault.tokenize('4242424242424242')).not.toBe(token); // random IV: equal PANs are not linkable
    expect(() => vault.tokenize('not a pan')).toThrow();
  });
});
