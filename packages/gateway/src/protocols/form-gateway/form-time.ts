/**
 * The form gateway writes times as `yyyyMMddHHmmss` in Beijing time (UTC+8,
 * no daylight saving), whatever the server's zone.
 */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

export function formTime(ms: number): string {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** The instant of a `yyyyMMddHHmmss` Beijing time, or undefined when it is not a real one. */
export function parseFormTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
  // Date.UTC rolls 20250231 over to March: a round trip catches impossible dates.
  return formTime(ms) === text ? ms : undefined;
}
