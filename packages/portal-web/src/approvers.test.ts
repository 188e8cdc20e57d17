import { describe, expect, it } from 'vitest';
import { approvalBlocked } from './approvers.js';

const user = (role: string, status = 'active', locked = false) => ({ role, status, locked });

describe('refund approval needs two users who can refund', () => {
  it('warns when only one admin or finance user can log in', () => {
    expect(approvalBlocked('above', [user('admin')])).toBe(true);
    expect(approvalBlocked('all', [user('admin'), user('viewer'), user('support')])).toBe(true);
    expect(approvalBlocked('all', [user('admin'), user('finance', 'disabled')])).toBe(true);
    expect(approvalBlocked('all', [user('admin'), user('finance', 'active', true)])).toBe(true);
  });

  it('is quiet with two such users, or with approval off', () => {
    expect(approvalBlocked('all', [user('admin'), user('finance')])).toBe(false);
    expect(approvalBlocked('above', [user('admin'), user('admin')])).toBe(false);
    expect(approvalBlocked('off', [user('admin')])).toBe(false);
  });
});
