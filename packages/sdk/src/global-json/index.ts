/** The flat-JSON international card API (seed 003): signing rule, amounts, client. */
export { globalJsonSign, globalJsonSignContent, signGlobalJson, verifyGlobalJsonSign, type FlatFields } from './signature.js';
export { GlobalJsonClient, GLOBAL_JSON_NOTIFY_ACK, type GlobalJsonClientOptions } from './client.js';
export type * from './types.js';
