import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';

const TOKEN = 'operator-token-for-tests-0123456789';

describe('admin API authentication', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ OPENCASHIER_ADMIN_TOKEN: TOKEN }, { background: false });
  });
  afterAll(async () => t.close());

  const whoami = (authorization?: string) =>
    fetch(`${t.baseUrl}/admin/v1/whoami`, { headers: authorization === undefined ? {} : { authorization } });

  it('answers an operator with the right bearer token', async () => {
    const res = await whoami(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ role: 'operator' });
  });

  it.each([
    ['no header', undefined],
    ['a wrong token', 'Bearer wrong'],
    ['a token one character short', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token without the scheme', TOKEN],
    ['an empty bearer', 'Bearer '],
    ['basic authentication', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`],
  ])('refuses %s with ADMIN_UNAUTHORIZED', async (_name, header) => {
    const res = await whoami(header);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'ADMIN_UNAUTHORIZED' });
  });

  it('checks the token before the route exists: unknown admin paths answer 401, not 404', async () => {
    const res = await fetch(`${t.baseUrl}/admin/v1/no-such-thing`);
    expect(res.status).toBe(401);
  });
});

describe('admin token without configuration', () => {
  it('is generated into the data directory, owner-only, and works', async () => {
    const t = await startTestGateway({}, { background: false });
    try {
      const { readFileSync, statSync } = await import('node:fs');
      const path = `${t.config.dataDir}/admin-token`;
      const token = readFileSync(path, 'utf8');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(statSync(path).mode & 0o077).toBe(0);
      const res = await fetch(`${t.baseUrl}/admin/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('admin 404 behind the token', () => {
  it('answers NOT_FOUND for an unknown admin path once the token is right', async () => {
    const t = await startTestGateway({ OPENCASHIER_ADMIN_TOKEN: TOKEN }, { background: false });
    try {
      const res = await fetch(`${t.baseUrl}/admin/v1/no-such-thing`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await t.close();
    }
  });
});
