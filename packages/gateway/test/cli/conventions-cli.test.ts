import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';
import type { Command } from 'commander';
import { program } from '../../src/cli/main.js';
import { commandPath } from '../../src/cli/conventions.js';
import { runCli } from './cli-process.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Every command of the CLI's command tree, with its path and its whole `--help` text. */
function everyCommandHelp(command: Command = program): { path: string; help: string }[] {
  return command.commands.flatMap((c) => {
    let help = '';
    c.configureOutput({ writeOut: (text) => (help += text) });
    c.outputHelp();
    return [{ path: commandPath(c), help }, ...everyCommandHelp(c)];
  });
}

/** CLI conventions, on the built CLI's real output: --version, --help with examples, exit codes, NO_COLOR, JSON alone on stdout, helpful start-up messages. */
describe(`opencashier CLI conventions (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-conventions-'));
  const rulesFile = join(dataDir, 'risk-rules.json');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'info' };
  let database: FreshDatabase;
  const cli = (...args: string[]) => runCli(env, dataDir, ...args);
  const cliWith = (extra: Record<string, string>, ...args: string[]) => runCli({ ...env, ...extra }, dataDir, ...args);

  beforeAll(async () => {
    database = await freshTestDatabase(dataDir);
    env.OPENCASHIER_DATABASE_URL = database.url;
    expect((await cli('migrate')).code).toBe(0);
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--json output is JSON alone on stdout: logs go to stderr', async () => {
    // Rules loaded at start-up are logged at info level, before the command's output.
    writeFileSync(rulesFile, JSON.stringify({ defaults: { amountLimits: { USD: { perTransactionMaxMinor: '5000' } } } }));
    const r = await cliWith({ OPENCASHIER_RISK_RULES_FILE: rulesFile }, 'settlement', 'run', '--date', 'today', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toContain('risk rules loaded');
    expect(r.stderr).toMatch(/0 batches for \d{4}-\d{2}-\d{2}/);
  });

  it('prints its version', async () => {
    for (const flag of ['--version', '-V']) expect(await cli(flag)).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('every command answers --help with usage and examples', async () => {
    const commands = everyCommandHelp();
    expect(commands.map((c) => c.path)).toEqual(expect.arrayContaining(['start', 'migrate', 'merchant create', 'sandbox merchant', 'settlement run', 'kek generate']));
    for (const { path, help } of commands) {
      expect(help, path).toContain(`Usage: opencashier ${path}`);
      expect(help, path).toMatch(new RegExp(`\\nExamples:\\n {2}(export [A-Z_]+=\\$\\()?opencashier ${path}`));
    }
    // And as a person sees it, from the built CLI.
    const start = await cli('start', '--help');
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('--port <port>');
    expect(start.stdout).toContain('opencashier start --port 9000 --host 0.0.0.0');
    const root = (await cli('--help')).stdout;
    expect(root).toContain('Exit codes: 0 done, 1 failure, 2 bad command line or refused request, 3 configuration, 4 data directory in use');
  });

  it('a bad command line exits 2 with a word on stderr; colour only where asked for, never with NO_COLOR', async () => {
    const unknown = await cli('no-such-command');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain("unknown command 'no-such-command'");
    expect(unknown.stderr).not.toContain('\u001b[');
    expect((await cli('merchant', 'create', '--bogus')).code).toBe(2);
    expect((await cli('start', '--port', 'eighty')).code).toBe(2);
    expect((await cliWith({ FORCE_COLOR: '1' }, 'no-such-command')).stderr).toContain('\u001b[31m');
    expect((await cliWith({ FORCE_COLOR: '1', NO_COLOR: '1' }, 'no-such-command')).stderr).not.toContain('\u001b[');
  }, 180_000);

  it('a bad log level or database URL says what is wrong and how to fix it, and exits 3', async () => {
    const level = await cliWith({ OPENCASHIER_LOG_LEVEL: 'verbose' }, 'merchant', 'list');
    expect(level.code).toBe(3);
    expect(level.stderr).toContain('OPENCASHIER_LOG_LEVEL (logLevel) is "verbose": use one of fatal, error, warn, info, debug, trace, silent');
    const scheme = await cliWith({ OPENCASHIER_DATABASE_URL: 'mysql://shop@localhost/shop' }, 'migrate');
    expect(scheme.code).toBe(3);
    expect(scheme.stderr).toContain('starts with mysql://, which is not supported: use postgres://');
    const noDir = await cliWith({ OPENCASHIER_DATABASE_URL: join(dataDir, 'missing', 'dir', 'x.sqlite') }, 'merchant', 'list');
    expect(noDir.code).toBe(3);
    expect(noDir.stderr).toContain('the directory of the SQLite database does not exist');
    const unreachable = await cliWith({ OPENCASHIER_DATABASE_URL: 'postgres://shop:hunter2@127.0.0.1:1/shop' }, 'merchant', 'list');
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('cannot reach PostgreSQL at 127.0.0.1:1');
    // The password never appears in the message.
    expect(unreachable.stderr).not.toContain('hunter2');
  }, 180_000);

  it('a missing, malformed or wrong KEK says what is wrong and how to fix it, and generates nothing', async () => {
    expect((await cli('sandbox', 'merchant', '--json')).code).toBe(0);
    const short = await cliWith({ OPENCASHIER_KEK: 'c2hvcnQ=' }, 'sandbox', 'merchant', '--json');
    expect(short.code).toBe(3);
    expect(short.stderr).toContain('OPENCASHIER_KEK must be the base64 of 32 random bytes (44 characters), but it decodes to 5 bytes: make one with `opencashier kek generate`');
    const wrong = await cliWith({ OPENCASHIER_KEK: randomBytes(32).toString('base64') }, 'sandbox', 'merchant', '--json');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/sealed under key [0-9a-f]{16}, which is not configured: set OPENCASHIER_KEK to the key this data directory was created with/);
    const { OPENCASHIER_KEK: _kek, ...withoutKek } = env;
    const missing = await runCli(withoutKek, dataDir, 'sandbox', 'merchant', '--json');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`OPENCASHIER_KEK is not set and ${join(dataDir, 'kek')} is missing, but ${dataDir} holds keys sealed under a key-encryption key`);
    // No new KEK was generated over the data sealed under the real one.
    expect(existsSync(join(dataDir, 'kek'))).toBe(false);
  }, 180_000);
});
