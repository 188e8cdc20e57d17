import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/**
 * The sandbox acquirer's own book, kept only when configured
 * (`sandboxJournalFile`): one JSON line per authorisation and per refund it
 * answered, appended before the answer goes back to the gateway. A crash
 * test compares the gateway's records with it (no charge or refund twice, no
 * charge the gateway forgot), and a restarted gateway can look an
 * authorisation up by order id, as it would at a real acquirer.
 *
 * The write is synchronous: a killed gateway process loses nothing the
 * acquirer answered (the operating system keeps the appended bytes).
 */
export type JournalEntry =
  | { kind: 'authorize'; orderId: string; reference: string; outcome: string; amountMinor: string; currency: string; atMs: number }
  | { kind: 'refund'; refundId: string; reference: string; outcome: string; amountMinor: string; atMs: number };

export class SandboxJournal {
  constructor(readonly path: string) {
    // A line cut short by a crash would swallow the next entry: start on a fresh line.
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      if (text !== '' && !text.endsWith('\n')) appendFileSync(path, '\n');
    }
  }

  append(entry: JournalEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
  }

  /** Every complete entry, oldest first (a line cut short by a crash is skipped). */
  entries(): JournalEntry[] {
    return readJournal(this.path);
  }

  /** The last authorisation answered for an order, if any. */
  authorizationOf(orderId: string): Extract<JournalEntry, { kind: 'authorize' }> | undefined {
    let found: Extract<JournalEntry, { kind: 'authorize' }> | undefined;
    for (const entry of this.entries()) if (entry.kind === 'authorize' && entry.orderId === orderId) found = entry;
    return found;
  }
}

export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) return [];
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // Only the very last line can be cut short, by a crash mid-write: that answer never reached the gateway.
    }
  }
  return entries;
}
