/**
 * The payment methods of the unified order (`onlinePay/order`), keyed by the
 * PayEase `paymentModeCode` a merchant sends. Each says what the payer is
 * handed (a page to open, a QR code to scan,
 * wallet parameters, bank transfer details) and the alias notifications
 * report it under. The official code list is not public: the codes are those
 * seen in production traffic, plus `OFFLINE-P2P` (seed 002) and the app
 * codes `APP-ALI_PAY-P2P` / `APP-WEIXIN_PAY-P2P` (ours, by analogy). Which
 * channel takes a method is not said here: channel modules declare the
 * methods they take, and the channel router chooses among them.
 */
export type PayerActionKind = 'redirect' | 'scan' | 'jsapi' | 'app' | 'remit' | 'card' | 'saved-card';

/** A method a merchant can enable or not (the cashier lists the enabled ones). */
export const PAYMENT_METHODS = [
  'CARD',
  'ALIPAY_SCAN',
  'ALIPAY_WAP',
  'ALIPAY_LIFE',
  'ALIPAY_APP',
  'WECHAT_SCAN',
  'WECHAT_OFFICIAL',
  'WECHAT_MINI',
  'WECHAT_APP',
  'B2C',
  'OFFLINE',
  'EXPRESS_DEBIT',
  'EXPRESS_CREDIT',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export function isPaymentMethod(value: unknown): value is PaymentMethod {
  return (PAYMENT_METHODS as readonly unknown[]).includes(value);
}

export interface PaymentMethodSpec {
  method: PaymentMethod;
  action: PayerActionKind;
  /** `paymentModeAlias` of answers and notifications. */
  alias: string;
  /** `clearingOrg`: wallets and online banking in mainland China clear through NUCC (网联). */
  clearingOrg: string;
  /** Whether the payer's WeChat openId must come with the order. */
  needsOpenId: boolean;
}

const SPECS: Readonly<Record<PaymentMethod, PaymentMethodSpec>> = {
  CARD: { method: 'CARD', action: 'card', alias: 'INTERNATIONAL_CARD', clearingOrg: '', needsOpenId: false },
  ALIPAY_SCAN: { method: 'ALIPAY_SCAN', action: 'scan', alias: 'ALI_SCANCODE_PAY', clearingOrg: 'NUCC', needsOpenId: false },
  ALIPAY_WAP: { method: 'ALIPAY_WAP', action: 'redirect', alias: 'ALIPAY_WAP_PAY', clearingOrg: 'NUCC', needsOpenId: false },
  // The life account (生活号) is a page inside Alipay: the wire gives it no alias of its own, WAP is the nearest.
  ALIPAY_LIFE: { method: 'ALIPAY_LIFE', action: 'redirect', alias: 'ALIPAY_WAP_PAY', clearingOrg: 'NUCC', needsOpenId: false },
  ALIPAY_APP: { method: 'ALIPAY_APP', action: 'app', alias: 'APP_ALIPAY', clearingOrg: 'NUCC', needsOpenId: false },
  WECHAT_SCAN: { method: 'WECHAT_SCAN', action: 'scan', alias: 'WEIXIN_SCANCODE_PAY', clearingOrg: 'NUCC', needsOpenId: false },
  WECHAT_OFFICIAL: { method: 'WECHAT_OFFICIAL', action: 'jsapi', alias: 'WEIXIN_OFFICIAL_PAY', clearingOrg: 'NUCC', needsOpenId: true },
  // Mini programs pay through the same JSAPI as official accounts, and the wire reports them alike.
  WECHAT_MINI: { method: 'WECHAT_MINI', action: 'jsapi', alias: 'WEIXIN_OFFICIAL_PAY', clearingOrg: 'NUCC', needsOpenId: true },
  WECHAT_APP: { method: 'WECHAT_APP', action: 'app', alias: 'WEIXIN_APP_PAY', clearingOrg: 'NUCC', needsOpenId: false },
  B2C: { method: 'B2C', action: 'redirect', alias: 'B2C', clearingOrg: 'UNION_PAY', needsOpenId: false },
  OFFLINE: { method: 'OFFLINE', action: 'remit', alias: 'OFFLINE-P2P', clearingOrg: '', needsOpenId: false },
  // Express (快捷) payments charge a card the payer saved before (`bindCardId`), through the card channel.
  EXPRESS_DEBIT: { method: 'EXPRESS_DEBIT', action: 'saved-card', alias: 'DEBIT_EXPRESS_PAY', clearingOrg: 'UNION_PAY', needsOpenId: false },
  EXPRESS_CREDIT: { method: 'EXPRESS_CREDIT', action: 'saved-card', alias: 'CREDIT_EXPRESS_PAY', clearingOrg: 'UNION_PAY', needsOpenId: false },
};

export function paymentMethodSpec(method: PaymentMethod): PaymentMethodSpec {
  return SPECS[method];
}

/** Fixed codes; `BANK_CARD-B2C-<BANK>-P2P` is matched separately because it names a bank. */
const CODES: Readonly<Record<string, PaymentMethod>> = {
  'SCANCODE-ALI_PAY-P2P': 'ALIPAY_SCAN',
  'ALIPAY-WAP-P2P': 'ALIPAY_WAP',
  'ALIPAY-OFFICIAL-P2P': 'ALIPAY_LIFE',
  'APP-ALI_PAY-P2P': 'ALIPAY_APP',
  'SCANCODE-WEIXIN_PAY-P2P': 'WECHAT_SCAN',
  'WECHAT-OFFICIAL_PAY-P2P': 'WECHAT_OFFICIAL',
  'MINIAPPS-WEIXIN_PAY-P2P': 'WECHAT_MINI',
  'APP-WEIXIN_PAY-P2P': 'WECHAT_APP',
  'BANK_CARD-B2C': 'B2C',
  'OFFLINE-P2P': 'OFFLINE',
  'BANK_CARD-EXPRESS_DEBIT': 'EXPRESS_DEBIT',
  'BANK_CARD-EXPRESS_CREDIT': 'EXPRESS_CREDIT',
};

/** The code the cashier sends when the payer picks a method (the bank is then chosen on the bank's page). */
export const CASHIER_CODES: Readonly<Record<Exclude<PaymentMethod, 'CARD' | 'EXPRESS_DEBIT' | 'EXPRESS_CREDIT'>, string>> = {
  ALIPAY_SCAN: 'SCANCODE-ALI_PAY-P2P',
  ALIPAY_WAP: 'ALIPAY-WAP-P2P',
  ALIPAY_LIFE: 'ALIPAY-OFFICIAL-P2P',
  ALIPAY_APP: 'APP-ALI_PAY-P2P',
  WECHAT_SCAN: 'SCANCODE-WEIXIN_PAY-P2P',
  WECHAT_OFFICIAL: 'WECHAT-OFFICIAL_PAY-P2P',
  WECHAT_MINI: 'MINIAPPS-WEIXIN_PAY-P2P',
  WECHAT_APP: 'APP-WEIXIN_PAY-P2P',
  B2C: 'BANK_CARD-B2C',
  OFFLINE: 'OFFLINE-P2P',
};

export interface ParsedPaymentMode {
  method: PaymentMethod;
  /** The bank a B2C code names (`BANK_CARD-B2C-ICBC-P2P` → ICBC); the payer picks one otherwise. */
  bankCode?: string;
}

/** The method of a `paymentModeCode`, or undefined for a code the gateway does not know. */
export function parsePaymentModeCode(code: string): ParsedPaymentMode | undefined {
  const known = CODES[code];
  if (known) return { method: known };
  const b2c = /^BANK_CARD-B2C-([A-Z]{2,10})-P2P$/.exec(code);
  return b2c ? { method: 'B2C', bankCode: b2c[1]! } : undefined;
}

/**
 * Orders whose hosted cashier offers the merchant's payment methods (not
 * only the card form): the unified order's, and FX purchase orders, whose
 * CNY the payer may pay by wallet, online banking or remittance as well.
 */
export function offersPaymentMethods(product: string | undefined): boolean {
  return product === 'onlinePay' || product === 'foreignExchange';
}
