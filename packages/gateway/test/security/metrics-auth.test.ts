/**
 * `/metrics` answers only a scrape with the metrics token: order counts by
 * state, routes and backlogs tell an outsider how a business is doing. The
 * health probes stay open for load balancers.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';

describe.each(testDatabases())('metrics behind a bearer token (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let configured: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    configured = await startTestGateway({ ...databaseEnv, OPENCASHIER_METRICS_TOKEN: 'scrape-token-from-config' }, { background: false });
  });
  afterAll(async () => {
    await configured?.close();
    await t?.close();
  });

  it('refuses a scrape without the token, or with a wrong one, with METRICS_UNAUTHORIZED and no metrics', async () => {
    const token = readFileSync(join(t.config.dataDir, 'metrics-token'), 'utf8').trim();
    expect(statSync(join(t.config.dataDir, 'metrics-token')).mode & 0o777).toBe(0o600);
    for (const authorization of [undefined, '', 'Bearer', 'Bearer ', `Bearer ${token}x`, `Basic ${token}`, token, `Bearer ${token.slice(1)}`]) {
      const res = await fetch(`${t.baseUrl}/metrics`, { headers: authorization === undefined ? {} : { authorization } });
      const text = await res.text();
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.parse(text)).toMatchObject({ code: 'METRICS_UNAUTHORIZED' });
      expect(text).not.toContain('opencashier_');
    }
    const ok = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('opencashier_http_request_duration_seconds');
    // The admin token is another secret: it does not open the metrics.
    const adminToken = readFileSync(join(t.config.dataDir, 'admin-token'), 'utf8').trim();
    expect((await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(401);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(200);
  });

  it('uses the configured token when one is set', async () => {
    expect((await fetch(`${configured.baseUrl}/metrics`, { headers: { authorization: 'Bearer scrape-token-from-config' } })).status).toBe(200);
    expect((await fetch(`${configured.baseUrl}/metrics`)).status).toBe(401);
  });
});
