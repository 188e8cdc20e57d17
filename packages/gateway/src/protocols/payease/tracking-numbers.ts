import { GatewayError } from '../../domain/errors.js';
import { TRACKING_NUMBERS_MAX, TRACKING_NUMBER_LENGTH_MAX } from '../../domain/limits.js';

const TRACKING_NUMBER_PATTERN = new RegExp(`^[A-Za-z0-9-]{1,${TRACKING_NUMBER_LENGTH_MAX}}$`);

/** One or more distinct carrier tracking numbers: letters, digits and hyphens. */
export function parseTrackingNumbers(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new GatewayError('FIELD_INVALID', { field: 'trackingNumbers', reason: 'a list of one or more tracking numbers' });
  if (value.length > TRACKING_NUMBERS_MAX) throw new GatewayError('FIELD_INVALID', { field: 'trackingNumbers', reason: `at most ${TRACKING_NUMBERS_MAX}` });
  for (const n of value) {
    if (typeof n !== 'string' || !TRACKING_NUMBER_PATTERN.test(n)) throw new GatewayError('FIELD_INVALID', { field: 'trackingNumbers', reason: `each 1 to ${TRACKING_NUMBER_LENGTH_MAX} letters, digits or hyphens` });
  }
  if (new Set(value).size !== value.length) throw new GatewayError('FIELD_INVALID', { field: 'trackingNumbers', reason: 'a tracking number is repeated' });
  return value as string[];
}
