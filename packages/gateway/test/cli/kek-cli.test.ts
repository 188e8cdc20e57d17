import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

/** `opencashier kek generate|rotate`, as an operator runs them (docs/deploy.md, "Rotating the KEK"). */
describe(`opencashier kek (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-kek-cli-'));
  const oldKek = randomBytes(32).toString('base64');
  const base: Record<string, string> = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_LOG_LEVEL: 'silent' };
  let database: FreshDatabase;
  const cli = async (env: Record<string, string>, ...args: string[]) => (await run(process.execPath, [CLI, ...args], { env: { ...base, ...env }, cwd: dataDir })).stdout;
  const cliFails = (env: Record<string, string>, ...args: string[]) => run(process.execPath, [CLI, ...args], { env: { ...base, ...env }, cwd: dataDir }).then(() => undefined, (e: { code: number; stderr: string }) => e);

  beforeAll(async () => {
    database = await freshTestDatabase(dataDir);
    base.OPENCASHIER_DATABASE_URL = database.url;
    // The demo merchant: a gateway key file, derived keys and two sealed merchant secrets under the old KEK.
    await cli({ OPENCASHIER_KEK: oldKek }, 'sandbox', 'merchant', '--json');
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates a key, refuses data sealed under a key it is not given, re-wraps everything, and then needs only the new key', async () => {
    const newKek = (await cli({}, 'kek', 'generate')).trim();
    expect(Buffer.from(newKek, 'base64')).toHaveLength(32);
    const info = JSON.parse(await cli({ OPENCASHIER_KEK: oldKek }, 'sandbox', 'merchant', '--json'));

    // The new key alone cannot open what the old one sealed, and says which key it would need.
    const refused = await cliFails({ OPENCASHIER_KEK: newKek }, 'sandbox', 'merchant', '--json');
    expect(refused?.stderr).toMatch(/sealed under key [0-9a-f]{16}, which is not configured/);

    const report = JSON.parse((await cli({ OPENCASHIER_KEK: newKek, OPENCASHIER_KEK_PREVIOUS: oldKek }, 'kek', 'rotate')).split('\n').filter((l) => !l.startsWith('every sealed')).join('\n'));
    expect(report.rewrapped).toMatchObject({ 'keys/gateway-keys.json': 1, 'keys/derived-keys.json': 5, 'merchant_secrets.secret_sealed': 2 });
    expect(report.current['merchant_secrets.secret_sealed']).toBe(2);
    // Again: nothing left to do.
    const again = JSON.parse((await cli({ OPENCASHIER_KEK: newKek, OPENCASHIER_KEK_PREVIOUS: oldKek }, 'kek', 'rotate')).split('\n').filter((l) => !l.startsWith('every sealed')).join('\n'));
    expect(Object.values(again.rewrapped).every((n) => n === 0)).toBe(true);

    // The new key alone now opens the key file and the secrets: the same merchant, the same secrets.
    expect(JSON.parse(await cli({ OPENCASHIER_KEK: newKek }, 'sandbox', 'merchant', '--json'))).toEqual(info);
    // And the old key alone opens nothing any more.
    expect((await cliFails({ OPENCASHIER_KEK: oldKek }, 'sandbox', 'merchant', '--json'))?.stderr).toMatch(/sealed under key [0-9a-f]{16}, which is not configured/);
  });
});
