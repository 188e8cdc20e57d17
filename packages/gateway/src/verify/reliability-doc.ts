import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** docs/reliability.md, the same distance from src/verify and dist/verify. */
export const RELIABILITY_DOC = fileURLToPath(new URL('../../../../docs/reliability.md', import.meta.url));

/**
 * Replaces the section under `## <heading>` (up to the next `## ` heading)
 * with `body`, or appends it at the end: each verify script owns its own
 * section and leaves the rest of the page alone.
 */
export function writeReliabilitySection(heading: string, body: string, path = RELIABILITY_DOC): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const section = `## ${heading}\n\n${body.trim()}\n`;
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start === -1) {
    writeFileSync(path, text.trim() === '' ? section : `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + 1);
  writeFileSync(path, `${text.slice(0, start + 1)}${section}${next === -1 ? '' : `\n${text.slice(next + 1)}`}`);
}
