/**
 * Writes one suite's figures into docs/reliability.md: the section headed
 * `## <title>` is replaced (up to the next `## ` heading), or appended at the
 * end when the file has none yet. Prose in other sections stays untouched.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** docs/reliability.md, the same distance from src/verify and dist/verify. */
export const RELIABILITY_DOC = fileURLToPath(new URL('../../../../docs/reliability.md', import.meta.url));
const DOC_PATH = RELIABILITY_DOC;

/** Replaces or appends the `## title` section; `body` is the markdown under the heading. */
export function writeReliabilitySection(title: string, body: string, path = DOC_PATH): string {
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Reliability\n\nFigures of the verification suites, each written by its `npm run verify:*` command.\n';
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  let next: string;
  if (start < 0) {
    next = `${text.replace(/\n*$/, '')}\n\n${section}`;
  } else {
    let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
    if (end < 0) end = lines.length;
    next = [...lines.slice(0, start), ...section.split('\n'), ...lines.slice(end)].join('\n').replace(/\n{3,}/g, '\n\n');
    if (!next.endsWith('\n')) next += '\n';
  }
  writeFileSync(path, next);
  return path;
}

/** `1234567` → `1,234,567`. */
export function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/** The environment a figure was measured in, for the line under each section. */
export function measuredOn(): string {
  return `measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}`;
}
