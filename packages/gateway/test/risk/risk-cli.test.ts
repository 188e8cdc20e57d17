import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

/** The risk operator commands, run as operators run them: the built CLI against a data directory. */
describe('opencashier risk CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-risk-cli-'));
  const rulesFile = join(dataDir, 'risk-rules.json');
  const env = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'silent', OPENCASHIER_RISK_RULES_FILE: rulesFile };
  const cli = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { env, cwd: dataDir })).stdout;
  const cliFails = async (...args: string[]) => run(process.execPath, [CLI, ...args], { env, cwd: dataDir }).then(() => undefined, (e: { code: number; stderr: string }) => e);

  beforeAll(async () => {
    writeFileSync(rulesFile, JSON.stringify({ defaults: { amountLimits: { USD: { perTransactionMaxMinor: '5000' } } } }, null, 2));
    await cli('migrate');
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('checks, loads and shows rules; a file with mistakes is refused by line and the rules stay', async () => {
    expect(await cli('risk', 'rules', 'check', '--file', rulesFile)).toContain('no mistakes');
    expect(await cli('risk', 'rules', 'reload')).toContain('version 1 in force');
    // The same file again is no new version.
    expect(await cli('risk', 'rules', 'reload')).toContain('version 1 in force');
    const broken = join(dataDir, 'broken.json');
    writeFileSync(broken, '{\n  "defaults": {\n    "velocity": [ { "key": "card", "window": "ten minutes", "maxAttempts": 3 } ]\n  }\n}\n');
    const refused = await cliFails('risk', 'rules', 'load', '--file', broken);
    expect(refused).toMatchObject({ code: 2 });
    expect(refused!.stderr).toContain('line 3 (defaults.velocity[0].window): must be a duration');
    expect(refused!.stderr).toContain('unchanged');
    expect(await cliFails('risk', 'rules', 'check', '--file', join(dataDir, 'missing.json'))).toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') });
    const shown = JSON.parse(await cli('risk', 'rules', 'show'));
    expect(shown).toMatchObject({ version: 1, source: `file ${rulesFile}` });
    expect(JSON.parse(shown.document).defaults.amountLimits.USD.perTransactionMaxMinor).toBe('5000');
  });

  it('adds, shows and removes list entries; a card is stored as its fingerprint', async () => {
    const entry = JSON.parse(await cli('risk', 'list', 'add', '--list', 'BLOCK', '--kind', 'card', '--card-number', '4111111111111111', '--reason', 'stolen'));
    expect(entry).toMatchObject({ list: 'BLOCK', kind: 'card', scope: '*', reason: 'stolen', source: 'operator' });
    expect(entry.value).toMatch(/^cf_[0-9a-f]{32}$/);
    const listed = await cli('risk', 'list', 'show', '--kind', 'card');
    expect(listed).toContain(entry.value);
    expect(listed).not.toContain('4111111111111111');
    expect(await cliFails('risk', 'list', 'add', '--list', 'BLOCK', '--kind', 'ip', '--value', '300.1.1.1')).toMatchObject({ code: 2, stderr: expect.stringContaining('FIELD_INVALID') });
    expect(await cli('risk', 'list', 'remove', '--id', entry.entryId)).toContain('removed');
    expect(await cliFails('risk', 'list', 'remove', '--id', entry.entryId)).toMatchObject({ code: 2 });
  });

  it('lists an empty review queue and refuses to approve an order that is not held', async () => {
    expect(JSON.parse(await cli('risk', 'reviews'))).toEqual([]);
    expect(await cliFails('risk', 'approve', '--order', 'nope')).toMatchObject({ code: 2, stderr: expect.stringContaining('ORDER_NOT_FOUND') });
  });
});
