import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { program } from '../../src/cli/main.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'screenshots' ? [] : markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const FILES = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];

/** The text of a file's code: fenced blocks and `inline code`, where commands are written to be run. */
function codeOf(text: string): string[] {
  const fenced = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  const inline = [...text.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return [...fenced, ...inline];
}

/**
 * The words after `opencashier` where it starts a command (a line, a pipe's
 * or `$(…)`'s command, after environment assignments), up to its first
 * option or argument; `opencashier` inside prose in a code block is not one.
 */
function commandWords(code: string): string[][] {
  return [...code.matchAll(/(?:^|[|;&(])\s*(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+)?opencashier((?:[ \t]+[a-z][a-z0-9-]*)+)/gm)].map((m) => m[1]!.trim().split(/\s+/));
}

/** Where a command line's words lead in the CLI's command tree: undefined when a word names no command. */
function resolveCommand(words: readonly string[]): string | undefined {
  let command: Command = program;
  for (const word of words) {
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub) {
      command = sub;
      continue;
    }
    // A word after a command without subcommands is its argument (or the prose after a command); a word where a subcommand belongs is a mistake.
    if (command.commands.length === 0 && command !== program) break;
    return undefined;
  }
  return command === program ? undefined : command.name();
}

describe('README and docs', () => {
  it('every relative link resolves to a file in the repository', () => {
    const broken: string[] = [];
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]!;
        if (/^([a-z]+:|#|\/)/i.test(target)) continue;
        const path = resolve(dirname(file), decodeURIComponent(target.split('#')[0]!));
        if (!existsSync(path)) broken.push(`${relative(ROOT, file)}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every opencashier command they name exists in the CLI', () => {
    const unknown: string[] = [];
    let named = 0;
    for (const file of FILES) {
      for (const code of codeOf(readFileSync(file, 'utf8'))) {
        for (const words of commandWords(code)) {
          named += 1;
          if (resolveCommand(words) === undefined) unknown.push(`${relative(ROOT, file)}: opencashier ${words.join(' ')}`);
        }
      }
    }
    expect(named).toBeGreaterThan(20);
    expect(unknown).toEqual([]);
  });

  it('the check itself tells a command from a mistake', () => {
    expect(resolveCommand(['settlement', 'run'])).toBe('run');
    expect(resolveCommand(['merchant', 'create'])).toBe('create');
    expect(resolveCommand(['merchant', 'destroy'])).toBeUndefined();
    expect(resolveCommand(['serve'])).toBeUndefined();
    expect(commandWords('PORT=9000 opencashier start --port 9000; `opencashier.config.json`')).toEqual([['start']]);
    expect(commandWords('export OPENCASHIER_KEK=$(opencashier kek generate)\n  cli/  the opencashier command')).toEqual([['kek', 'generate']]);
  });
});
