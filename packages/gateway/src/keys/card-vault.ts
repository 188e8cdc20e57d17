import { GatewayError } from '../domain/errors.js';
import { UnknownKeyIdError, type KeyEncryptionKey } from './kek.js';

/**
 * Keeps a PAN only where it must be kept (for example a later
 * merchant-initiated charge): AES-256-GCM under the KEK's vault subkey. The
 * token is all the database ever sees; the clear PAN exists in memory only.
 */
export class CardVault {
  constructor(private readonly kek: KeyEncryptionKey) {}

  tokenize(pan: string): string {
    if (!/^[0-9]{12,19}$/.test(pan)) throw new Error('not a card number');
    return `vt_${this.kek.seal('card-vault', Buffer.from(pan, 'ascii'))}`;
  }

  /**
   * The PAN of a vault token. A token sealed under a key-encryption key this
   * gateway no longer holds (dropped from OPENCASHIER_KEK_PREVIOUS before
   * `opencashier kek rotate` re-wrapped it) is refused with CARD_KEY_MISSING,
   * naming the key id, so the operator knows which key to put back.
   */
  detokenize(token: string): string {
    if (!token.startsWith('vt_')) throw new Error('not a vault token');
    try {
      return this.kek.open('card-vault', token.slice(3)).toString('ascii');
    } catch (error) {
      if (error instanceof UnknownKeyIdError) throw new GatewayError('CARD_KEY_MISSING', { keyId: error.keyId });
      throw error;
    }
  }
}
