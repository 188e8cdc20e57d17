import { GatewayError, type ErrorCode } from '../domain/errors.js';

/** A back-office refusal; answered as `{code, message}` with the code's HTTP status. */
export function portalError(code: ErrorCode, params: Record<string, string> = {}): GatewayError {
  return new GatewayError(code, params);
}
