import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountService } from './account-service.js';
import { generatePassword } from './password.js';
import { demoMerchantDir } from '../provisioning.js';

export interface DemoPortalLogins {
  url: string;
  merchant: { email: string; password: string; role: string };
  operator?: { email: string; password: string; role: string };
}

export const DEMO_MERCHANT_EMAIL = 'demo-admin@opencashier.test';
export const DEMO_OPERATOR_EMAIL = 'demo-operator@opencashier.test';

export function demoPortalLoginsPath(dataDir: string): string {
  return join(demoMerchantDir(dataDir), 'portal-logins.json');
}

/**
 * On first start with the demo merchant: a back-office admin for it and,
 * when the gateway has no operator yet, a demo super admin. Their
 * passwords are random and written next to the demo merchant's key files
 * (owner-only), like the pfx password.
 */
export async function ensureDemoPortalUsers(accounts: AccountService, dataDir: string, merchantId: string, publicBaseUrl: string): Promise<{ logins: DemoPortalLogins; created: boolean }> {
  const path = demoPortalLoginsPath(dataDir);
  const existing = await accounts.users.findByEmail(DEMO_MERCHANT_EMAIL);
  if (existing && existsSync(path)) {
    const logins = JSON.parse(readFileSync(path, 'utf8')) as DemoPortalLogins;
    return { logins: { ...logins, url: `${publicBaseUrl}/portal/` }, created: false };
  }
  const actor = { userId: null, email: 'system', clientIp: null };
  const logins: DemoPortalLogins = { url: `${publicBaseUrl}/portal/`, merchant: { email: DEMO_MERCHANT_EMAIL, password: generatePassword(), role: 'admin' } };
  if (existing) await accounts.resetPassword(existing.userId, logins.merchant.password, actor);
  else await accounts.createUser({ email: DEMO_MERCHANT_EMAIL, password: logins.merchant.password, kind: 'merchant', merchantId, role: 'admin', mustChangePassword: false }, actor);
  if (existing) await accounts.users.update(existing.userId, { mustChangePassword: false }, Date.now());
  const operator = await accounts.users.findByEmail(DEMO_OPERATOR_EMAIL);
  if ((await accounts.users.countOperators()) === 0 || operator) {
    const password = generatePassword();
    if (operator) {
      await accounts.resetPassword(operator.userId, password, actor);
      await accounts.users.update(operator.userId, { mustChangePassword: false }, Date.now());
    } else {
      await accounts.createUser({ email: DEMO_OPERATOR_EMAIL, password, kind: 'operator', merchantId: null, role: 'super_admin', mustChangePassword: false }, actor);
    }
    logins.operator = { email: DEMO_OPERATOR_EMAIL, password, role: 'super_admin' };
  }
  writeFileSync(path, JSON.stringify(logins, null, 2), { mode: 0o600 });
  return { logins, created: true };
}
