import { DISPUTE_RESPONSE_DAYS, REASON_CODE_PATTERN, type DisputeStage } from '../domain/dispute.js';
import { GatewayError } from '../domain/errors.js';
import { DISPUTE_RESPONSE_DAYS_MAX } from '../domain/limits.js';

/** Checks of what acquirers and operators report about a case, shared by every way a case is opened or changed. */

export function notDisputable(): GatewayError {
  return new GatewayError('ORDER_NOT_DISPUTABLE', { reason: 'the amount exceeds what is left after refunds and other chargebacks' });
}

export function checkReasonCode(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (!REASON_CODE_PATTERN.test(code)) throw new GatewayError('FIELD_INVALID', { field: 'reasonCode', reason: '1 to 8 letters, digits or dots' });
  return code;
}

export function checkText(field: string, value: string, maxLength: number): string {
  if (value.length === 0 || value.length > maxLength || /[\u0000-\u001f\u007f]/.test(value)) throw new GatewayError('FIELD_INVALID', { field, reason: `1 to ${maxLength} characters, no control characters` });
  return value;
}

export function responseDays(stage: DisputeStage, days: number | undefined): number {
  if (days === undefined) return DISPUTE_RESPONSE_DAYS[stage];
  if (!Number.isSafeInteger(days) || days < 1 || days > DISPUTE_RESPONSE_DAYS_MAX) throw new GatewayError('FIELD_INVALID', { field: 'respondByDays', reason: `a whole number of days from 1 to ${DISPUTE_RESPONSE_DAYS_MAX}` });
  return days;
}
