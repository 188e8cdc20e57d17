import { GatewayError } from '../../domain/errors.js';
import { findCurrency } from '../../domain/currencies.js';
import { ORDER_TIMEOUT_MINUTES_DEFAULT, REQUEST_ID_LENGTH_MAX, URL_LENGTH_MAX } from '../../domain/limits.js';
import type { CardInput } from '../../domain/channel.js';
import { cardBrandName } from '../../domain/card-brand.js';
import { parseCardForm, type CardField } from '../../cashier/card-form.js';
import type { NewOrder } from '../../orders/new-order.js';
import { requestDigest } from '../../orders/request-digest.js';
import { flatAmountMinor } from './amount.js';
import { text, type Wire } from './fields.js';

export const GLOBAL_JSON_DIALECT = 'global-json';
export const GLOBAL_PAY_TYPE = 'GLOBAL_CREDIT';

/** Card fields of the request: kept out of the replay digest (a hash of a PAN and CVV is not safe to store). */
const CARD_FIELDS = ['card_no', 'cvc', 'expiry_year', 'expiry_month'] as const;

/** Card form field → the flat-JSON field a refusal names. */
const CARD_FIELD_NAMES: Readonly<Record<CardField, string>> = { holder: 'customer_name', number: 'card_no', expiry: 'expiry_year/expiry_month', cvv: 'cvc' };

export type PayCreditCommand = {
  order: NewOrder;
  appId: string;
  userId: string;
} & (
  | { payment: 'cashier' }
  /** Card data posted directly: authorised at once; `keepCard` for the first payment of a recurring series. */
  | { payment: 'card'; card: CardInput; keepCard: boolean }
  /** A later recurring charge: the stored card of the user's consent, without CVV. */
  | { payment: 'stored-card' }
);

/**
 * Maps a `/global/pay/credit` request to a domain order and the way it is
 * paid. Field names are the seed's; every refusal carries a core code that
 * the dialect's table turns into its wire code.
 */
export function parsePayCredit(body: Wire, now: Date): PayCreditCommand {
  const appId = text(body, 'appid', true, 64)!;
  const mchOrderNo = text(body, 'mch_order_no', true, REQUEST_ID_LENGTH_MAX)!;
  const currencyCode = text(body, 'currency', true, 3)!;
  const currency = findCurrency(currencyCode);
  if (!currency) throw new GatewayError('CURRENCY_UNSUPPORTED', { currency: currencyCode });
  if (body.amount === undefined || body.amount === null || body.amount === '') throw new GatewayError('FIELD_MISSING', { field: 'amount' });
  const amountMinor = flatAmountMinor(body.amount, currency, 'amount');
  // Echoed exactly as received in every answer and notification of the order.
  const amountText = body.amount as string;
  const subject = text(body, 'subject', true)!;
  const description = text(body, 'body', true)!;
  const userId = text(body, 'user_id', true, 64)!;
  const clientIp = text(body, 'client_ip', true, 64)!;
  const phone = text(body, 'phone_number', true, 32)!;
  const customerName = text(body, 'customer_name', true, 128)!;
  const region = text(body, 'region', true, 64)!;
  const notifyUrl = text(body, 'notify_url', true, URL_LENGTH_MAX)!;
  const callbackUrl = text(body, 'callback_url', false, URL_LENGTH_MAX) ?? '';
  const email = text(body, 'email', false, 128);
  const firstName = text(body, 'first_name', false, 64);
  const lastName = text(body, 'last_name', false, 64);
  const triggerMode = text(body, 'trigger_mode', false, 16);
  if (triggerMode !== undefined && triggerMode !== 'RECURRING') throw new GatewayError('FIELD_INVALID', { field: 'trigger_mode', reason: 'must be RECURRING or absent' });
  const recurring = triggerMode === 'RECURRING';

  const { sign: _sign, ...content }: Record<string, unknown> = body;
  for (const f of CARD_FIELDS) delete content[f];
  const order: NewOrder = {
    requestId: mchOrderNo,
    requestDigest: requestDigest(content),
    amountMinor: amountMinor,
    currency: currency.code,
    language: 'en',
    notifyUrl,
    callbackUrl,
    terminalNo: null,
    remark: description,
    orderType: 'STANDARD',
    details: {
      products: [{ name: subject, quantity: '1', amountMinor: amountMinor, description }],
      payer: { name: customerName, phone, ...(email ? { email } : {}) },
      billInfo: { phone, country: region, ...(firstName ? { firstName } : {}), ...(lastName ? { lastName } : {}), ...(email ? { email } : {}) },
    },
    clientIp,
    timeoutMinutes: ORDER_TIMEOUT_MINUTES_DEFAULT,
    dialect: GLOBAL_JSON_DIALECT,
    dialectContext: { appid: appId, user_id: userId, amount: amountText, ...(recurring ? { trigger_mode: 'RECURRING' } : {}) },
  };

  const posted = CARD_FIELDS.filter((f) => body[f] !== undefined && body[f] !== null && body[f] !== '');
  if (posted.length === 0) return { order, appId, userId, payment: recurring ? 'stored-card' : 'cashier' };
  // The same checks as the hosted card form: what the cashier refuses is refused here.
  const holder = firstName && lastName ? `${firstName} ${lastName}` : customerName;
  const parsed = parseCardForm(
    { holder, number: stringOr(body.card_no), expiryMonth: stringOr(body.expiry_month), expiryYear: stringOr(body.expiry_year), cvv: stringOr(body.cvc) },
    now,
  );
  if (!parsed.ok) {
    const fields = (Object.keys(parsed.errors) as CardField[]).map((f) => CARD_FIELD_NAMES[f]);
    throw new GatewayError('CARD_INVALID', { fields: fields.join(', ') });
  }
  return { order, appId, userId, payment: 'card', card: { ...parsed.card, brand: cardBrandName(parsed.card.brand) }, keepCard: recurring };
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
