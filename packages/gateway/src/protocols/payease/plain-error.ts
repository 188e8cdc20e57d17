import { ERRORS, type ErrorCode } from '../../domain/errors.js';

/**
 * The body of an answer that cannot be sealed (unknown merchant, unreadable
 * envelope, body too large, rate limited, no such API): plain JSON with the
 * same fields a sealed refusal carries.
 */
export function plainErrorBody(code: ErrorCode): { status: 'FAILED' | 'ERROR'; code: ErrorCode; errorMessage: string } {
  const spec = ERRORS[code];
  return { status: spec.wireStatus, code, errorMessage: spec.message };
}
