import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { sendLogsToStderr } from '../ops/logger.js';
import { EXIT } from './exit-codes.js';
import { errorLine } from './terminal.js';
import { CURATED_EXAMPLES } from './help-examples.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The conventions every command follows, set on the root before any command
 * is added so that each inherits them: `--version`, usage errors exiting
 * with EXIT.usage, error lines that respect NO_COLOR, and logs on stderr for
 * every command but `start` (its stdout is the command's output).
 */
export function applyConventions(program: Command): void {
  program.version(VERSION, '-V, --version', 'print the version');
  program.showHelpAfterError('(add --help for usage and examples)');
  program.configureOutput({ outputError: (text, write) => write(`${errorLine(text.trimEnd())}\n`) });
  program.exitOverride((error) => {
    process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
  });
  program.hook('preAction', (_root, action) => {
    if (commandPath(action) !== 'start') sendLogsToStderr();
  });
}

/** `merchant create` for the command of `opencashier merchant create`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** The example a command's own required options make, e.g. `opencashier merchant suspend --id <merchantId>`. */
function derivedExample(command: Command): string {
  const required = command.options.filter((o) => o.mandatory).map((o) => o.flags.replace(/^-\w, /, '').replace(/\s+/, ' '));
  const args = command.registeredArguments.filter((a) => a.required).map((a) => `<${a.name()}>`);
  return ['opencashier', commandPath(command), ...args, ...required].join(' ');
}

/**
 * Gives every command an Examples section in its `--help`: the curated ones
 * where there are, else the one its required options make. Runs once all
 * commands are registered, so a command added later gets one too.
 */
export function addExamples(program: Command): void {
  for (const command of allCommands(program)) {
    if (command.commands.length > 0 && command.options.length === 0) {
      command.addHelpText('after', `\nExamples:\n  opencashier ${commandPath(command)} ${command.commands[0]!.name()} --help\n`);
      continue;
    }
    const examples = CURATED_EXAMPLES[commandPath(command)] ?? [derivedExample(command)];
    command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}\n`);
  }
  program.addHelpText('after', '\nExamples:\n  opencashier start --port 8080\n  opencashier sandbox merchant --json | jq .baseUrl\n  opencashier <command> --help\n\nExit codes: 0 done, 1 failure, 2 bad command line or refused request, 3 configuration, 4 data directory in use (docs/operations.md).\n');
}
