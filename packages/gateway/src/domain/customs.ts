/**
 * Customs (报关): a paid cross-border order, or one of its sub-orders, is
 * declared to a customs office so the goods clear against the payment. The
 * sandbox office accepts every declaration but its documented magic office
 * code; a real connector (a customs single window, a bank's declaration
 * service) implements the same interface. `declarationId` is the
 * idempotency key: declaring again reports the first answer.
 */
export interface CustomsDeclarationRequest {
  declarationId: string;
  merchantId: string;
  customsCode: string;
  ecpCode: string;
  ecpName: string;
  /** The payment's serial number as customs sees it: the order's, or the sub-order's. */
  paymentSerialNumber: string;
  amountMinor: bigint;
  currency: 'CNY';
  payerName: string;
  payerIdNum: string;
  logisticsNumbers: string[];
}

export type CustomsDeclarationResult = { outcome: 'accepted'; reference: string; completedAtMs: number } | { outcome: 'rejected'; reference: string; reason: string; completedAtMs: number };

export interface CustomsOffice {
  readonly name: string;
  declare(request: CustomsDeclarationRequest): Promise<CustomsDeclarationResult>;
}
