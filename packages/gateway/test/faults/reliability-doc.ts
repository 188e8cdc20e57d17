/**
 * The fault suites' figures in docs/reliability.md. Each suite runs short in
 * `npm test` and long under `npm run verify:<suite>` (OPENCASHIER_VERIFY=1);
 * only the long run writes its figure, into its own marked block per
 * database, so runs of different suites and databases never overwrite each
 * other.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

import { RELIABILITY_DOC } from '../../src/verify/reliability-doc.js';

/** True under `npm run verify:*`: the long version, which records its figure. */
export const VERIFY_LONG = process.env.OPENCASHIER_VERIFY === '1';

/** What ran it: enough to compare figures between machines. */
export function machineLine(): string {
  const cores = cpus();
  const model = cores[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${cores.length} cores (${model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/**
 * Replaces the block `<!-- figure:<suite>:<database> -->` … `<!-- /figure:<suite>:<database> -->`
 * with `lines`, stamped with the date and the machine. The block must exist.
 */
export function writeFigure(suite: string, database: string, lines: readonly string[], path = RELIABILITY_DOC): void {
  const open = `<!-- figure:${suite}:${database} -->`;
  const close = `<!-- /figure:${suite}:${database} -->`;
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`${path} has no block ${open} … ${close}`);
  const stamp = `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machineLine()}, ${database}._`;
  const body = [...lines.map((l) => `- ${l}`), '', stamp].join('\n');
  writeFileSync(path, `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`);
}

/** Prints a figure to the terminal (the verify scripts' output) and, in the long version, records it. */
export function reportFigure(suite: string, database: string, lines: readonly string[]): void {
  console.log(`\n[${suite} · ${database}]\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  if (VERIFY_LONG) writeFigure(suite, database, lines);
}
