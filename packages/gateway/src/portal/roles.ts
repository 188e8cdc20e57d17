/**
 * Who may do what in the back office. A user is either a merchant's user
 * (tied to exactly one merchant) or an operator of the gateway. Routes name
 * a permission; a role is the set of permissions it holds. Merchant routes
 * additionally see only the user's own merchant (see `routes.ts`).
 */
export const MERCHANT_ROLES = ['admin', 'finance', 'support'] as const;
export const OPERATOR_ROLES = ['super_admin', 'risk', 'finance', 'read_only'] as const;
export type MerchantRole = (typeof MERCHANT_ROLES)[number];
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
export type UserKind = 'merchant' | 'operator';

export const PERMISSIONS = [
  // Merchant side: always within the user's own merchant.
  'merchant.view',
  'merchant.export',
  'merchant.refund',
  'merchant.resend',
  'merchant.users',
  'merchant.audit',
  // Merchant side, the merchant back-office pages: refund policy and integration settings, dispute answers, money.
  'merchant.settings',
  'merchant.disputes',
  'merchant.money',
  // Operator side: across merchants.
  'operator.view',
  'operator.resend',
  'operator.users',
  'operator.audit',
  // Operator console: onboarding and merchant settings; FX review; disputes; settlement, reconciliation and remittance matching.
  'operator.merchants',
  'operator.fx',
  'operator.disputes',
  'operator.finance',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const MERCHANT_GRANTS: Record<MerchantRole, readonly Permission[]> = {
  admin: ['merchant.view', 'merchant.export', 'merchant.refund', 'merchant.resend', 'merchant.users', 'merchant.audit', 'merchant.settings', 'merchant.disputes', 'merchant.money'],
  finance: ['merchant.view', 'merchant.export', 'merchant.refund', 'merchant.disputes', 'merchant.money'],
  support: ['merchant.view', 'merchant.resend'],
};

const OPERATOR_GRANTS: Record<OperatorRole, readonly Permission[]> = {
  super_admin: ['operator.view', 'operator.resend', 'operator.users', 'operator.audit', 'operator.merchants', 'operator.fx', 'operator.disputes', 'operator.finance'],
  risk: ['operator.view', 'operator.audit', 'operator.disputes'],
  finance: ['operator.view', 'operator.resend', 'operator.fx', 'operator.finance'],
  read_only: ['operator.view'],
};

export function isRole(kind: UserKind, role: string): boolean {
  return kind === 'merchant' ? (MERCHANT_ROLES as readonly string[]).includes(role) : (OPERATOR_ROLES as readonly string[]).includes(role);
}

export function permissionsOf(kind: UserKind, role: string): readonly Permission[] {
  if (kind === 'merchant') return MERCHANT_GRANTS[role as MerchantRole] ?? [];
  return OPERATOR_GRANTS[role as OperatorRole] ?? [];
}

export function can(kind: UserKind, role: string, permission: Permission): boolean {
  return permissionsOf(kind, role).includes(permission);
}
