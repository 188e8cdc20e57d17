import { GatewayError } from '../../domain/errors.js';

/** PayEase times are Beijing time (UTC+8, no daylight saving), whatever the server's zone. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `yyyy-MM-dd HH:mm:ss` Beijing time → epoch ms; a date that does not exist (02-30, 24:00) is refused. */
export function parseBeijingDateTime(value: string, field: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) throw new GatewayError('FIELD_INVALID', { field, reason: 'expected yyyy-MM-dd HH:mm:ss' });
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) {
    throw new GatewayError('FIELD_INVALID', { field, reason: 'not a real date and time' });
  }
  return utc - BEIJING_OFFSET_MS;
}

/** `yyyy-MM-dd` → the start of that day, Beijing time, in epoch ms. */
export function parseBeijingDate(value: string, field: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new GatewayError('FIELD_INVALID', { field, reason: 'expected yyyy-MM-dd' });
  return parseBeijingDateTime(`${value} 00:00:00`, field);
}
