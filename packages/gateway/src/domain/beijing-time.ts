/** China Standard Time has no daylight saving: UTC+8 all year. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/**
 * A moment as Beijing wall-clock time, `yyyy-MM-dd HH:mm:ss`, whatever the
 * server's zone: the form the Chinese providers' protocols write times in.
 */
export function beijingDateTime(ms: number): string {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
