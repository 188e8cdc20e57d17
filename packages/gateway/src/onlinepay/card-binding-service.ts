import { createHmac, randomBytes } from 'node:crypto';
import type { CardInput } from '../domain/channel.js';
import { GatewayError } from '../domain/errors.js';
import { cardBrandName, identifyCard } from '../domain/card-brand.js';
import type { CardVault } from '../keys/card-vault.js';
import type { CardBinding, CardBindingRepository } from '../store/card-binding-repository.js';

/** A card to save, as the protocol adapter read it. Lives for this one request; the PAN goes to the vault. */
export interface NewBinding {
  merchantUserId: string;
  cardKind: 'DEBIT' | 'CREDIT';
  pan: string;
  holder: string;
  expiryMonth: number;
  expiryYear: number;
}

/**
 * Saved cards for express payments: a payer's card is bound once per
 * merchant user (binding the same card again answers the same
 * `bindCardId`), kept as a vault token, charged by `bindCardId` without the
 * CVV (a card-on-file payment), and unbound on request.
 */
export class CardBindingService {
  constructor(private readonly deps: { bindings: CardBindingRepository; vault: CardVault; fingerprintKey: Buffer; clock: () => number }) {}

  async bind(merchantId: string, input: NewBinding): Promise<{ binding: CardBinding; created: boolean }> {
    const identity = identifyCard(input.pan);
    if ('problem' in identity) throw new GatewayError('FIELD_INVALID', { field: 'bankCard.number', reason: `card number ${identity.problem}` });
    const fingerprint = createHmac('sha256', this.deps.fingerprintKey).update(input.pan).digest('hex');
    const existing = await this.deps.bindings.findByCard(merchantId, input.merchantUserId, fingerprint);
    if (existing) {
      if (existing.state === 'UNBOUND') await this.deps.bindings.setState(existing.bindCardId, 'ACTIVE', this.deps.clock());
      return { binding: { ...existing, state: 'ACTIVE', unboundAtMs: null }, created: false };
    }
    const binding: CardBinding = {
      bindCardId: `bc${randomBytes(12).toString('hex')}`,
      merchantId,
      merchantUserId: input.merchantUserId,
      cardFingerprint: fingerprint,
      vaultToken: this.deps.vault.tokenize(input.pan),
      cardKind: input.cardKind,
      brand: cardBrandName(identity.brand),
      bin: input.pan.slice(0, 6),
      last4: input.pan.slice(-4),
      holder: input.holder,
      expiryMonth: input.expiryMonth,
      expiryYear: input.expiryYear,
      state: 'ACTIVE',
      createdAtMs: this.deps.clock(),
      unboundAtMs: null,
    };
    if (await this.deps.bindings.insert(binding)) return { binding, created: true };
    const winner = await this.deps.bindings.findByCard(merchantId, input.merchantUserId, fingerprint);
    if (!winner) throw new Error('card binding insert conflicted but no binding exists');
    return { binding: winner, created: false };
  }

  async list(merchantId: string, merchantUserId: string): Promise<CardBinding[]> {
    return this.deps.bindings.listActive(merchantId, merchantUserId);
  }

  async unbind(merchantId: string, merchantUserId: string, bindCardId: string): Promise<CardBinding> {
    const binding = await this.active(merchantId, merchantUserId, bindCardId);
    await this.deps.bindings.setState(binding.bindCardId, 'UNBOUND', this.deps.clock());
    return { ...binding, state: 'UNBOUND' };
  }

  /** The card to charge for an express payment, with the method it must match (debit or credit). */
  async chargeable(merchantId: string, merchantUserId: string, bindCardId: string): Promise<{ binding: CardBinding; card: CardInput }> {
    const binding = await this.active(merchantId, merchantUserId, bindCardId);
    const card: CardInput = {
      holder: binding.holder,
      pan: this.deps.vault.detokenize(binding.vaultToken),
      expiryMonth: binding.expiryMonth,
      expiryYear: binding.expiryYear,
      // Card-on-file: the CVV was never kept, and is not asked again.
      cvv: '',
      brand: binding.brand,
    };
    return { binding, card };
  }

  private async active(merchantId: string, merchantUserId: string, bindCardId: string): Promise<CardBinding> {
    const binding = await this.deps.bindings.find(merchantId, merchantUserId, bindCardId);
    if (!binding || binding.state !== 'ACTIVE') throw new GatewayError('BIND_CARD_NOT_FOUND', { bindCardId });
    return binding;
  }
}
