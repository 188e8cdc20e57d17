import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, GatewayError } from '../../domain/errors.js';
import { FORM_ERRCODES_TAKEN_BY_THE_SEED, FORM_RETIRED_ERRCODES } from './wire-code-ledger.js';
import { FORM_FIELD_WIRE_CODES, FORM_PAYMENT_CLOSED, FORM_PAYMENT_DECLINED, FORM_REFUND_DECLINED, FORM_WIRE_CODES, formErrCode } from './wire-codes.js';

const doc = readFileSync(new URL('../../../../../docs/dialects/form-gateway.md', import.meta.url), 'utf8');
const coreRows = new Map([...doc.matchAll(/^\| `([0-9]{5})` \| `([A-Z_]+)` \| (.*) \|$/gm)].map((m) => [m[2]!, { code: m[1], message: m[3] }]));
const fieldRows = new Map([...doc.matchAll(/^\| `([0-9]{5})` \| `([a-zA-Z0-9]+)` \|$/gm)].map((m) => [m[2]!, m[1]]));
const retiredRows = new Map([...doc.matchAll(/^\| `([0-9]{5})` \| retired \| (.*) \|$/gm)].map((m) => [m[1]!, m[2]]));
const takenRows = new Map([...doc.matchAll(/^\| `([0-9]{5})` \| the seed's since this release; before: (.*) \|$/gm)].map((m) => [m[1]!, m[2]]));

/**
 * Every errCode answered, with what it means: published, so frozen. A new
 * refusal adds a line; no line may change, and a retired number never
 * comes back.
 */
const PUBLISHED: Readonly<Record<string, string>> = {
  '10001': 'field:version',
  '10002': 'field:signType',
  '10004': 'field:language',
  '10009': 'field:payerContact',
  '10010': 'field:orderId',
  '10011': 'core:AMOUNT_INVALID field:orderAmount',
  '10012': 'field:orderTime',
  '10013': 'field:productName',
  '10014': 'field:productNum',
  '10015': 'field:productId',
  '10016': 'field:productDesc',
  '10017': 'field:ext1',
  '10018': 'field:ext2',
  '10019': 'field:payType',
  '10021': 'field:bankId',
  '10023': 'core:SUB_ORDERS_TOTAL_MISMATCH',
  '10024': 'core:PROOF_FILE_INVALID',
  '10025': 'core:PAYMENT_MODE_UNKNOWN',
  '10030': 'field:payerContactType',
  '10031': 'core:AMOUNT_DECIMALS_EXCEEDED',
  '10032': 'field:bgUrl',
  '10033': 'field:pageUrl',
  '10034': 'field:submitType',
  '10035': 'field:merchantAcctId',
  '10036': 'field:inputCharset',
  '10037': 'field:orderTimestamp',
  '10038': 'field:orderTimeOut',
  '10039': 'field:payerName',
  '10040': 'field:payerIdType',
  '10041': 'field:payerId',
  '10042': 'field:payerIP',
  '10043': 'field:cardIssuer',
  '10045': 'field:redoFlag',
  '10046': 'field:pid',
  '10047': 'field:extDataType',
  '10048': 'field:extDataContent',
  '10049': 'core:FIELD_MISSING',
  '10050': 'core:FIELD_INVALID',
  '10051': 'core:URL_NOT_ALLOWED',
  '10052': 'core:CHARSET_INVALID',
  '10053': 'core:TIMESTAMP_INVALID',
  '10054': 'core:BODY_TOO_LARGE',
  '10055': 'core:FX_PAIR_UNSUPPORTED',
  '10056': 'core:PAYMENT_MODE_UNSUPPORTED',
  '10057': 'core:SUB_ORDERS_NOT_ALLOWED',
  '10058': 'core:AMOUNT_FRACTION_NOT_ALLOWED',
  '10059': 'field:refundAmount',
  '10060': 'field:refundId',
  '20001': 'core:MERCHANT_SUSPENDED',
  '20002': 'core:SIGNATURE_INVALID field:signMsg',
  '20003': 'core:REQUEST_ID_CONFLICT',
  '20004': 'core:ORDER_RESUBMITTED',
  '20005': 'core:ORDER_NOT_FOUND',
  '20007': 'core:CURRENCY_UNSUPPORTED',
  '20008': 'field:remitCode field:remitType',
  '20010': 'core:REFUND_NOT_FOUND',
  '20011': 'core:REFUND_NOT_ALLOWED',
  '20012': 'core:REFUND_AMOUNT_EXCEEDED',
  '20013': 'core:ORDER_FULLY_REFUNDED',
  '20030': 'core:ORDER_NOT_IN_REVIEW',
  '20031': 'core:PAYMENT_METHOD_NOT_ENABLED',
  '20032': 'core:CLIENT_IP_MISMATCH',
  '20033': 'core:BIND_CARD_NOT_FOUND',
  '20034': 'core:NOTIFICATION_NOT_FOUND',
  '20040': 'core:LIST_PRICE_TOKEN_UNKNOWN',
  '20041': 'core:LIST_PRICE_TOKEN_EXPIRED',
  '20042': 'core:LIST_PRICE_TOKEN_USED',
  '20043': 'core:LIST_PRICE_TOKEN_NOT_YOURS',
  '20044': 'core:LIST_PRICE_TOKEN_MISMATCH',
  '20045': 'core:FX_AMOUNT_EXCEEDED',
  '20046': 'core:REVIEW_NOT_ALLOWED',
  '20047': 'core:PROOF_FILE_NOT_FOUND',
  '20049': 'core:DECLARATION_SUB_ORDER_REQUIRED',
  '20050': 'core:SETTLEMENT_NOT_FOUND',
  '20051': 'core:DECLARATION_NOT_ALLOWED',
  '20052': 'core:DECLARATION_CONFLICT',
  '20053': 'core:SETTLEMENT_DAY_OPEN',
  '20060': 'core:MERCHANT_UNKNOWN',
  '20061': 'core:MERCHANT_MISMATCH',
  '20062': 'core:APP_UNKNOWN',
  '20063': 'core:ENVELOPE_INVALID',
  '20064': 'core:ORDER_NOT_PAYABLE',
  '20065': 'core:ORDER_NOT_CANCELLABLE',
  '20066': 'core:CARD_INVALID',
  '20067': 'core:STORED_CARD_NOT_FOUND',
  '20068': 'core:ORDER_NOT_DISPUTABLE',
  '20069': 'core:DISPUTE_NOT_FOUND',
  '20070': 'core:DISPUTE_CLOSED',
  '20071': 'core:DISPUTE_DEADLINE_PASSED',
  '20072': 'core:DISPUTE_ALREADY_ANSWERED',
  '20073': 'core:DISPUTE_TRANSITION_INVALID',
  '20074': 'core:ATTACHMENT_TOO_LARGE',
  '20075': 'core:ATTACHMENT_TYPE_NOT_ALLOWED',
  '20076': 'core:DELIVERY_NOT_ALLOWED',
  '20077': 'core:DELIVERY_CONFLICT',
  '20078': 'core:SANDBOX_ONLY',
  '20079': 'core:ADMIN_UNAUTHORIZED',
  '20080': 'core:NOT_FOUND',
  '30001': 'core:RATE_LIMITED',
  '30002': 'core:INTERNAL_ERROR',
  '30003': 'core:METRICS_UNAUTHORIZED',
  '30004': 'core:SYSTEM_BUSY',
  '30010': 'core:RISK_RULES_INVALID',
  '30011': 'core:RECONCILIATION_NOT_READY',
  '30012': 'core:CARD_KEY_MISSING',
  '30101': 'core:PORTAL_UNAUTHENTICATED',
  '30102': 'core:PORTAL_LOGIN_FAILED',
  '30103': 'core:PORTAL_ACCOUNT_LOCKED',
  '30104': 'core:PORTAL_SECOND_FACTOR_INVALID',
  '30105': 'core:PORTAL_CSRF_INVALID',
  '30106': 'core:PORTAL_FORBIDDEN',
  '30107': 'core:PORTAL_USER_EXISTS',
  '30108': 'core:PORTAL_USER_NOT_FOUND',
  '30109': 'core:PORTAL_PASSWORD_WEAK',
  '30110': 'core:PORTAL_LOGIN_RATE_LIMITED',
  '30111': 'core:PORTAL_SESSION_NOT_FOUND',
  '30112': 'core:PORTAL_PASSWORD_COMMON',
  '30113': 'core:PORTAL_PASSWORD_PERSONAL',
  '30120': 'core:PORTAL_APPROVAL_NOT_FOUND',
  '30121': 'core:PORTAL_APPROVAL_CLOSED',
  '30122': 'core:PORTAL_APPROVAL_SELF',
  '31001': 'result:declined',
  '31002': 'result:closed',
  '31003': 'result:refund-declined',
};

/** What each errCode means today, derived from the tables the gateway answers from. */
function meanings(): Record<string, string> {
  const m: Record<string, string[]> = {};
  for (const [core, code] of Object.entries(FORM_WIRE_CODES)) (m[code] ??= []).push(`core:${core}`);
  for (const [field, code] of Object.entries(FORM_FIELD_WIRE_CODES)) (m[code] ??= []).push(`field:${field}`);
  (m[FORM_PAYMENT_DECLINED] ??= []).push('result:declined');
  (m[FORM_PAYMENT_CLOSED] ??= []).push('result:closed');
  (m[FORM_REFUND_DECLINED] ??= []).push('result:refund-declined');
  return Object.fromEntries(Object.entries(m).map(([code, sources]) => [code, sources.sort().join(' ')]));
}

describe('form gateway error codes', () => {
  it('no errCode ever changes meaning: what the tables answer is what was published', () => {
    expect(meanings()).toEqual(PUBLISHED);
  });
  it('a retired errCode is never answered again', () => {
    for (const code of Object.keys(FORM_RETIRED_ERRCODES)) expect(meanings()[code], code).toBeUndefined();
  });
  it('the numbers of seed 004’s table mean what the seed says', () => {
    expect(formErrCode('FIELD_INVALID', 'payerContact')).toBe('10009');
    expect(formErrCode('FIELD_MISSING', 'orderId')).toBe('10010');
    expect(formErrCode('FIELD_INVALID', 'orderAmount')).toBe('10011');
    expect(formErrCode('AMOUNT_INVALID', 'orderAmount')).toBe('10011');
    expect(formErrCode('FIELD_INVALID', 'orderTime')).toBe('10012');
    expect(formErrCode('FIELD_INVALID', 'productName')).toBe('10013');
    expect(formErrCode('FIELD_INVALID', 'ext2')).toBe('10018');
    expect(formErrCode('FIELD_INVALID', 'payType')).toBe('10019');
    expect(formErrCode('FIELD_INVALID', 'bankId')).toBe('10021');
    for (const code of Object.keys(FORM_ERRCODES_TAKEN_BY_THE_SEED)) expect(PUBLISHED[code], code).toMatch(/field:/);
  });
  it('every core code has its errCode documented, and nothing else is', () => {
    for (const [core, code] of Object.entries(FORM_WIRE_CODES)) expect(coreRows.get(core), core).toEqual({ code, message: ERRORS[core as keyof typeof ERRORS].message });
    expect(coreRows.size).toBe(Object.keys(ERRORS).length);
  });
  it('every field code is documented, and nothing else is', () => {
    expect(Object.fromEntries(fieldRows)).toEqual(FORM_FIELD_WIRE_CODES);
  });
  it('the retired numbers and the former meanings are documented', () => {
    expect(Object.fromEntries(retiredRows)).toEqual(FORM_RETIRED_ERRCODES);
    expect(Object.fromEntries(takenRows)).toEqual(FORM_ERRCODES_TAKEN_BY_THE_SEED);
  });
  it('refines field refusals by the field, and only those', () => {
    const error = new GatewayError('FIELD_MISSING', { field: 'orderId' });
    expect(formErrCode(error.code, error.params.field)).toBe('10010');
    expect(formErrCode('FIELD_INVALID', 'somethingElse')).toBe('10050');
    expect(formErrCode('FIELD_MISSING', 'somethingElse')).toBe('10049');
    expect(formErrCode('ORDER_NOT_FOUND', 'orderId')).toBe('20005');
    // The core checks the URLs under its own names.
    expect(formErrCode('URL_NOT_ALLOWED', 'callbackUrl')).toBe('10033');
    expect(formErrCode('URL_NOT_ALLOWED', 'notifyUrl')).toBe('10032');
  });
});
