/** The roles whose users may ask for and decide refunds (`merchant.refund`). */
const REFUND_ROLES = new Set(['admin', 'finance']);

/**
 * Whether a merchant's refund approval can ever be satisfied: a refund that
 * waits needs a second user, other than the one who asked, with a refund
 * role and an account that can log in.
 */
export function approvalBlocked(mode: string, users: readonly { role: string; status: string; locked: boolean }[]): boolean {
  if (mode === 'off') return false;
  const approvers = users.filter((u) => REFUND_ROLES.has(u.role) && u.status === 'active' && !u.locked);
  return approvers.length < 2;
}
