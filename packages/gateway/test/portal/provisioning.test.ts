import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { ensureDemoPortalUsers, demoPortalLoginsPath } from '../../src/portal/demo-users.js';
import { PortalClient } from './portal-client.js';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

describe('back office users from the host', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { background: false });
  });
  afterAll(async () => t?.close());

  it('gives the demo merchant a portal admin and the gateway a demo operator once, with the passwords in an owner-only file', async () => {
    const first = await ensureDemoPortalUsers(t.gateway.accounts, t.config.dataDir, t.merchant.merchantId, t.baseUrl);
    expect(first.created).toBe(true);
    expect(statSync(demoPortalLoginsPath(t.config.dataDir)).mode & 0o777).toBe(0o600);
    const again = await ensureDemoPortalUsers(t.gateway.accounts, t.config.dataDir, t.merchant.merchantId, t.baseUrl);
    expect(again).toMatchObject({ created: false, logins: first.logins });
    const merchant = new PortalClient(t.baseUrl);
    expect((await merchant.login(first.logins.merchant.email, first.logins.merchant.password)).user).toMatchObject({ kind: 'merchant', role: 'admin', merchantId: t.merchant.merchantId });
    const operator = new PortalClient(t.baseUrl);
    expect((await operator.login(first.logins.operator!.email, first.logins.operator!.password)).user).toMatchObject({ kind: 'operator', role: 'super_admin' });
  });
});

describe('opencashier portal-user', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-portal-cli-'));
  const env = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'silent' };
  const cli = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { env, cwd: dataDir })).stdout;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates the first operator with a temporary password, resets it, and refuses a merchant user without a merchant', async () => {
    const created = JSON.parse(await cli('portal-user', 'create', '--email', 'First.Ops@example.test', '--kind', 'operator', '--role', 'super_admin'));
    expect(created.user).toMatchObject({ email: 'first.ops@example.test', kind: 'operator', role: 'super_admin', mustChangePassword: true });
    expect(created.temporaryPassword.length).toBeGreaterThanOrEqual(20);
    const reset = JSON.parse(await cli('portal-user', 'reset-password', '--email', 'first.ops@example.test'));
    expect(reset.temporaryPassword).not.toBe(created.temporaryPassword);
    const refused = await run(process.execPath, [CLI, 'portal-user', 'create', '--email', 'm@example.test', '--kind', 'merchant', '--role', 'admin'], { env, cwd: dataDir }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('--merchant');
  });
});
