/**
 * Polls until `probe` returns something other than undefined, or fails after
 * `timeoutMs`. End-to-end tests wait for work the gateway does in the
 * background (notifications, sweeps); a bounded poll keeps them from hanging
 * and never turns elapsed time into an assertion.
 */
export async function waitUntil<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; what: string; lastSeen?: () => unknown },
): Promise<T> {
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const seen = options.lastSeen === undefined ? '' : `; last seen: ${JSON.stringify(options.lastSeen())}`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
