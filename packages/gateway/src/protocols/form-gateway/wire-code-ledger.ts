/**
 * Every errCode the form gateway has answered, and what it meant when it was
 * retired. A number never changes meaning: a new refusal gets a new number,
 * and a retired number is never answered again. This list only grows.
 *
 * The earliest release numbered its refusals in 快钱's style without the
 * seed's table at hand: some numbers carried several refusals (20009 eleven),
 * and 10009–10021 meant other things than seed 004 says they mean. Merchants'
 * 快钱 code reads those numbers as the seed defines them, so the seed's
 * meanings were taken and the numbers that carried several refusals retired.
 */
export const FORM_RETIRED_ERRCODES: Readonly<Record<string, string>> = {
  '10003': 'bgUrl or pageUrl (one number for both, and for any URL not allowed)',
  '10005': 'payType, bankId or submitType (one number for three fields)',
  '10006': 'merchantAcctId, an unknown merchant or account (one number for four refusals)',
  '10007': 'orderId (the seed numbers it 10010)',
  '10008': 'orderAmount (the seed numbers it 10011)',
  '10020': 'no exchange rate quoted (the seed’s 10020 is a payment service code, which this gateway does not take)',
  '10022': 'sub-orders not allowed (the seed’s 10022 means something else)',
  '20006': 'the order can no longer be paid or cancelled (one number for two refusals)',
  '20009': 'any of eleven refusals (card data, disputes, deliveries, attachments, sandbox, admin, unknown API)',
};

/**
 * Numbers whose first meaning here was not the seed's, and the meaning they
 * had until they took the seed's. Kept so that a merchant reading an old log
 * can tell what an answer then meant.
 */
export const FORM_ERRCODES_TAKEN_BY_THE_SEED: Readonly<Record<string, string>> = {
  '10009': 'orderTime',
  '10010': 'inputCharset, or bytes not valid in it',
  '10011': 'orderTimestamp',
  '10012': 'orderTimeOut',
  '10013': 'any other field',
  '10014': 'the body too large',
  '10021': 'a paymentModeCode not available',
};
