import { describe, expect, it } from 'vitest';
import { GatewayError } from '../domain/errors.js';
import { CardVault } from './card-vault.js';
import { KeyEncryptionKey } from './kek.js';

describe('card vault', () => {
  it('opens a token under the current or a previous key', () => {
    const old = KeyEncryptionKey.generate();
    const token = new CardVault(old).tokenize('4242424242424242');
    const rotated = KeyEncryptionKey.fromBase64(KeyEncryptionKey.generate().toBase64(), [old.toBase64()]);
    expect(new CardVault(rotated).detokenize(token)).toBe('4242424242424242');
  });

  it('refuses a token sealed under a key it no longer holds with CARD_KEY_MISSING naming that key id', () => {
    const dropped = KeyEncryptionKey.generate();
    const token = new CardVault(dropped).tokenize('4242424242424242');
    const current = KeyEncryptionKey.generate();
    let thrown: unknown;
    try {
      new CardVault(current).detokenize(token);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect((thrown as GatewayError).code).toBe('CARD_KEY_MISSING');
    expect((thrown as GatewayError).params.keyId).toBe(dropped.id);
    expect((thrown as GatewayError).message).toContain(dropped.id);
    expect((thrown as GatewayError).message).not.toContain('4242');
  });

  it('still fails loudly on a token that is not a sealed value', () => {
    expect(() => new CardVault(KeyEncryptionKey.generate()).detokenize('vt_garbage')).toThrow(/not a sealed value/);
  });
});
