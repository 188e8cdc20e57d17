import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';

describe('rate limit', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ OPENCASHIER_RATE_LIMIT_PER_MINUTE: '3' }, { background: false });
  });
  afterAll(async () => t?.close());

  it('answers RATE_LIMITED past the limit, and writes nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${t.baseUrl}/healthz`)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await fetch(`${t.baseUrl}/icc/order`, { method: 'POST', body: 'x' });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 'ERROR' });
    expect(limited.headers.get('retry-after')).not.toBeNull();
  });
});
