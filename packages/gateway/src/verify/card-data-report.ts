import type { CardDataRunResult } from './card-data-run.js';
import { existsSync, readFileSync } from 'node:fs';
import { RELIABILITY_DOC, writeReliabilitySection } from './reliability-doc.js';

/** What the figure needs of a run. */
export type CardDataFigure = Pick<CardDataRunResult, 'database' | 'payments' | 'paidOrders' | 'vaultedCards' | 'sources' | 'bytesScanned' | 'hits'>;

function line(r: CardDataFigure): string {
  const pans = r.hits.filter((h) => h.kind === 'pan').length;
  const cvvs = r.hits.filter((h) => h.kind === 'cvv').length;
  return `| ${r.database} | ${r.payments.toLocaleString('en')} | ${r.paidOrders.toLocaleString('en')} | ${r.vaultedCards.toLocaleString('en')} | ${r.sources} | ${(r.bytesScanned / 1_048_576).toFixed(1)} MiB | **${pans}** | **${cvvs}** |`;
}

/** Rewrites the "Card data scan" section of docs/reliability.md. */
export function writeFigure(results: CardDataFigure[]): void {
  // Rows of databases not in this run stay as they were.
  const kept = existingRows().filter((row) => !results.some((r) => row.startsWith(`| ${r.database} |`)));
  writeReliabilitySection(
    'Card data scan',
    `\`npm run verify:card-data\` (${new Date().toISOString().slice(0, 10)}): payments with a distinct sentinel card number and CVV each, through the hosted cashier's card form (number typed with spaces), the flat-JSON API's direct card fields (one-off and first recurring, whose card is vaulted), express-pay card binding and refused cards (bad check digit, expired); then recurring charges on the vaulted cards. Afterwards every place data rests is read: the data directory's raw bytes before and after a WAL checkpoint (SQLite main file, WAL and free pages), every table's rows (the PostgreSQL data), the trace-level log file, a backup made with \`VACUUM INTO\`, and the exports (back-office orders CSV, reconciliation file, settlement and statement). A hit is any sentinel number inside a run of digits (spaces, dashes and UTF-16 included) or a sentinel CVV after a security-code field name or as a quoted or form value.

| database | payments | orders paid | cards vaulted | sources scanned | bytes scanned | clear card numbers | CVVs |
| --- | --- | --- | --- | --- | --- | --- | --- |
${[...results.map(line), ...kept].sort().join('\n')}

The short version (200 payments, both databases) runs in \`npm test\` (\`packages/gateway/test/card-data.test.ts\`).`,
  );
}


function existingRows(): string[] {
  if (!existsSync(RELIABILITY_DOC)) return [];
  const text = readFileSync(RELIABILITY_DOC, 'utf8');
  const start = text.indexOf('\n## Card data scan\n');
  if (start === -1) return [];
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end).split('\n').filter((l) => /^\| (sqlite|postgres) \|/.test(l));
}
