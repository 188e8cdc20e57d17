/** @opencashier/sdk — the merchant client and the PayEase v3 codec it shares with the gateway. */

export * from './payease/index.js';
export * from './errors.js';
export * from './limits.js';
export * from './types.js';
export * from './fx-types.js';
export * from './online-pay-types.js';
export { AMOUNT_DIGITS_MAX, amountMinorFromWire, amountMinorToWire, isAmountMinorString } from './amount.js';
export { PayEaseClient, type PayEaseClientOptions } from './client.js';
export { CrossBorderApi } from './cross-border-api.js';
export { readKeyBundle, type KeyFiles, type LoadedKeyBundle } from './key-bundle.js';
export * from './global-json/index.js';
export * from './form-gateway/index.js';
export { decimalToMinor, minorToDecimal, type DecimalAmountProblem, type DecimalAmountResult } from './decimal-amount.js';
