/**
 * The bank codes `bankId` may name (seed 004 §3.2 银行代码表: 快钱's direct
 * bank list, personal and corporate online banking). A code outside it is
 * refused with the seed's 10021.
 */
export const FORM_BANK_CODES: ReadonlySet<string> = new Set([
  'ICBC', 'CMB', 'CCB', 'BOC', 'ABC', 'BCOM', 'SPDB', 'GDB', 'CITIC', 'CEB', 'CIB', 'SDB', 'CMBC', 'HXB', 'PAB',
  'PSBC', 'BOB', 'BJRCB', 'NBCB', 'SHB', 'SRCB', 'HZB', 'NJCB', 'CZB', 'BEA', 'CBHB', 'HSB', 'JSB', 'UPOP',
  // Corporate online banking (B2B): the same banks' codes with _B2B.
  'ICBC_B2B', 'CMB_B2B', 'CCB_B2B', 'BOC_B2B', 'ABC_B2B', 'BCOM_B2B', 'SPDB_B2B', 'CEB_B2B', 'CIB_B2B', 'CMBC_B2B', 'CITIC_B2B',
]);
