/** Times in the viewer's time zone; the zone is named on every page footer. */
export function formatTime(ms: number | null, locale: string): string {
  if (ms === null) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(ms));
}

export const viewerTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The viewer's local midnight, for "today" on the dashboard. */
export function startOfToday(): number {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** A refund number for the form: random, so a double click replays instead of refunding twice. */
export function newRequestId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return `portal-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
