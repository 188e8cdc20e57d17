/**
 * The form gateway names the merchant's RMB account, not the merchant:
 * `merchantAcctId` is the member code followed by the account type, `01`
 * for RMB (快钱's scheme). Here the member code is the merchant id.
 */
export const RMB_ACCOUNT_SUFFIX = '01';

export function formMerchantAcctId(merchantId: string): string {
  return `${merchantId}${RMB_ACCOUNT_SUFFIX}`;
}

/** The merchant id of an account id, or undefined when it is not an RMB account of this form. */
export function merchantIdOfAcct(merchantAcctId: string): string | undefined {
  const m = /^([0-9]{9})01$/.exec(merchantAcctId);
  return m ? m[1] : undefined;
}
