/**
 * The fixed field orders of the RMB form gateway's `signMsg` (seed 004,
 * 快钱 人民币网关 v3.0.3 §2.4.1). The order is part of the protocol: the
 * string is `name=value` pairs of the non-empty fields, in this order,
 * joined with `&`.
 */

/** Fields of the order form the merchant posts (the first signing string). */
export const FORM_REQUEST_FIELDS = [
  'inputCharset', 'pageUrl', 'bgUrl', 'version', 'language', 'signType', 'merchantAcctId',
  'payerName', 'payerContactType', 'payerContact', 'payerIdType', 'payerId', 'payerIP',
  'orderId', 'orderAmount', 'orderTime', 'orderTimestamp', 'productName', 'productNum', 'productId', 'productDesc',
  'ext1', 'ext2', 'payType', 'bankId', 'cardIssuer', 'cardNum', 'remitType', 'remitCode', 'redoFlag', 'pid',
  'submitType', 'orderTimeOut', 'extDataType', 'extDataContent',
] as const;

/** Fields of the result sent back to the merchant's pageUrl and bgUrl (the second signing string). */
export const FORM_RESULT_FIELDS = [
  'merchantAcctId', 'version', 'language', 'signType', 'payType', 'bankId', 'orderId', 'orderTime', 'orderAmount',
  'bindCard', 'bindMobile', 'dealId', 'bankDealId', 'dealTime', 'payAmount', 'fee', 'ext1', 'ext2', 'payResult', 'errCode',
] as const;

/**
 * Fields of the XML answer to an offline remittance order (payType 13,
 * submitType 01), in the order of the seed's example; its `signMsg` covers
 * them in this order.
 */
export const FORM_REMITTANCE_FIELDS = [
  'merchantAcctId', 'version', 'language', 'signType', 'orderId', 'orderTime', 'orderAmount', 'dealId',
  'remitType', 'remitCode', 'requestResult', 'errCode',
] as const;

/**
 * The server-to-server calls beside the payment form (order query, refund,
 * refund query, 自助补发 re-send of a result): a UTF-8 form from the shop's
 * server, signed like the order form over its own field order, answered in
 * signed XML. `requestResult` 10: answered; 11: refused, with `errCode`.
 */
export const FORM_ORDER_QUERY_FIELDS = ['inputCharset', 'version', 'signType', 'merchantAcctId', 'orderId'] as const;
export const FORM_REFUND_FIELDS = ['inputCharset', 'version', 'signType', 'merchantAcctId', 'orderId', 'refundId', 'refundAmount'] as const;
export const FORM_REFUND_QUERY_FIELDS = ['inputCharset', 'version', 'signType', 'merchantAcctId', 'refundId'] as const;
export const FORM_RESEND_FIELDS = ['inputCharset', 'version', 'signType', 'merchantAcctId', 'orderId'] as const;

/** The answer to an order query: the order as its result has it; `payResult` empty while the order is not final. */
export const FORM_ORDER_QUERY_ANSWER_FIELDS = [
  'merchantAcctId', 'version', 'signType', 'requestResult', 'errCode', 'payType', 'bankId', 'orderId', 'orderTime', 'orderAmount',
  'dealId', 'bankDealId', 'dealTime', 'payAmount', 'fee', 'ext1', 'ext2', 'payResult', 'refundedAmount',
] as const;

/** The answer to a refund or a refund query; `refundResult` 10 refunded, 11 refused by the bank, empty while in progress. */
export const FORM_REFUND_ANSWER_FIELDS = [
  'merchantAcctId', 'version', 'signType', 'requestResult', 'errCode', 'orderId', 'dealId', 'refundId', 'refundDealId', 'refundAmount', 'refundResult', 'refundTime',
] as const;

/** The refund result sent to the order's bgUrl when a refund completes (answered `<result>1</result>` like a payment result). */
export const FORM_REFUND_RESULT_FIELDS = [
  'merchantAcctId', 'version', 'signType', 'orderId', 'dealId', 'refundId', 'refundDealId', 'refundAmount', 'refundResult', 'errCode', 'refundTime',
] as const;

/** The answer to a re-send (自助补发): the result is queued to bgUrl again. */
export const FORM_RESEND_ANSWER_FIELDS = ['merchantAcctId', 'version', 'signType', 'requestResult', 'errCode', 'orderId', 'dealId'] as const;

/** The anti-phishing time stamp answer (商户查询交易时间戳). */
export const FORM_TIMESTAMP_FIELDS = ['merchantAcctId', 'timestamp'] as const;

export type FormRequestField = (typeof FORM_REQUEST_FIELDS)[number];
export type FormResultField = (typeof FORM_RESULT_FIELDS)[number];
export type FormRemittanceField = (typeof FORM_REMITTANCE_FIELDS)[number];

/** `signType` values: 1 = MD5 with the merchant key, 4 = RSA with SHA-1 (PKI). */
export type FormSignType = '1' | '4';

/** `payResult` of a result: 10 success, 11 failure. `requestResult` of a remittance answer likewise. */
export const FORM_RESULT_SUCCESS = '10';
export const FORM_RESULT_FAILURE = '11';
