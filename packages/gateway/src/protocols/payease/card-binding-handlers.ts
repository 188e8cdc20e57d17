import { GatewayError } from '../../domain/errors.js';
import { WALLET_ID_LENGTH_MAX } from '../../domain/limits.js';
import type { CardBinding } from '../../store/card-binding-repository.js';
import type { CardBindingService } from '../../onlinepay/card-binding-service.js';
import type { OpenedRequest } from './gateway-envelope.js';
import { requiredRequestId } from './refund-request.js';
import { str, type Wire } from './wire-fields.js';

type Handler = (opened: OpenedRequest) => Promise<Record<string, unknown>>;

/** A debit card without a printed expiry date is saved with this one (cards are re-checked by the bank at each charge). */
const DEBIT_NO_EXPIRY = { month: 12, year: 2099 };

function bindingFields(b: CardBinding): Record<string, string> {
  return {
    merchantUserId: b.merchantUserId,
    bindCardId: b.bindCardId,
    cardType: b.cardKind,
    cardBrand: b.brand,
    cardBin: b.bin,
    cardLast4: b.last4,
    bindStatus: b.state,
  };
}

function merchantUserId(payload: Wire): string {
  return str(payload, 'merchantUserId', true, WALLET_ID_LENGTH_MAX)!;
}

/** `bankCard{number, holderName, expiryMonth, expiryYear}`: read once here, handed on, never stored or echoed. */
function bankCard(payload: Wire, kind: 'DEBIT' | 'CREDIT') {
  const card = payload.bankCard;
  if (card === undefined || card === null || card === '') throw new GatewayError('FIELD_MISSING', { field: 'bankCard' });
  if (typeof card !== 'object' || Array.isArray(card)) throw new GatewayError('FIELD_INVALID', { field: 'bankCard', reason: 'must be an object' });
  const c = card as Wire;
  const pan = str(c, 'number', true, 19, 'bankCard.number')!;
  if (!/^[0-9]{12,19}$/.test(pan)) throw new GatewayError('FIELD_INVALID', { field: 'bankCard.number', reason: '12 to 19 digits' });
  const holder = str(c, 'holderName', true, 64, 'bankCard.holderName')!;
  const monthWire = str(c, 'expiryMonth', kind === 'CREDIT', 2, 'bankCard.expiryMonth');
  const yearWire = str(c, 'expiryYear', kind === 'CREDIT', 4, 'bankCard.expiryYear');
  if ((monthWire === undefined) !== (yearWire === undefined)) throw new GatewayError('FIELD_MISSING', { field: monthWire === undefined ? 'bankCard.expiryMonth' : 'bankCard.expiryYear' });
  if (monthWire === undefined || yearWire === undefined) return { pan, holder, expiryMonth: DEBIT_NO_EXPIRY.month, expiryYear: DEBIT_NO_EXPIRY.year };
  const expiryMonth = Number(monthWire);
  const expiryYear = Number(yearWire);
  if (!/^(0?[1-9]|1[0-2])$/.test(monthWire)) throw new GatewayError('FIELD_INVALID', { field: 'bankCard.expiryMonth', reason: '1 to 12' });
  if (!/^[0-9]{4}$/.test(yearWire)) throw new GatewayError('FIELD_INVALID', { field: 'bankCard.expiryYear', reason: 'four digits' });
  return { pan, holder, expiryMonth, expiryYear };
}

/**
 * Saved cards of express payments: `onlinePay/bindCard` saves a payer's
 * card for a `merchantUserId` and answers its `bindCardId`;
 * `onlinePay/bindCardQuery` lists the user's cards; `onlinePay/unbindCard`
 * removes one. The card number arrives inside the encrypted envelope and
 * goes straight to the vault.
 */
export function cardBindingHandlers(bindings: CardBindingService): Record<string, Handler> {
  return {
    '/onlinePay/bindCard': async ({ merchant, payload }) => {
      const requestId = requiredRequestId(payload);
      const kindWire = str(payload, 'cardType', true, 6)!;
      if (kindWire !== 'DEBIT' && kindWire !== 'CREDIT') throw new GatewayError('FIELD_INVALID', { field: 'cardType', reason: 'DEBIT or CREDIT' });
      const { binding } = await bindings.bind(merchant.merchantId, { merchantUserId: merchantUserId(payload), cardKind: kindWire, ...bankCard(payload, kindWire) });
      return { requestId, status: 'SUCCESS', ...bindingFields(binding) };
    },
    '/onlinePay/bindCardQuery': async ({ merchant, payload }) => {
      const user = merchantUserId(payload);
      const cards = await bindings.list(merchant.merchantId, user);
      return { requestId: requiredRequestId(payload), status: 'SUCCESS', merchantUserId: user, cards: cards.map(bindingFields) };
    },
    '/onlinePay/unbindCard': async ({ merchant, payload }) => {
      const bindCardId = str(payload, 'bindCardId', true, WALLET_ID_LENGTH_MAX)!;
      const binding = await bindings.unbind(merchant.merchantId, merchantUserId(payload), bindCardId);
      return { requestId: requiredRequestId(payload), status: 'SUCCESS', ...bindingFields(binding) };
    },
  };
}
