import { describe, expect, it } from 'vitest';
import { JOB_LEASE_MS_DEFAULT, JOB_LEASE_MS_MIN, JOB_LEASE_RENEWALS_PER_LEASE } from './limits.js';
import { EXPIRY_SWEEP_INTERVAL_MS, CHANNEL_RECHECK_INTERVAL_MS } from '../domain/limits.js';

describe('job lease bounds', () => {
  it('the default lease is at least the minimum, and a holder renews several times per lease', () => {
    expect(JOB_LEASE_MS_DEFAULT).toBeGreaterThanOrEqual(JOB_LEASE_MS_MIN);
    expect(JOB_LEASE_RENEWALS_PER_LEASE).toBeGreaterThanOrEqual(2);
  });
  it('the default lease outlasts the pause between runs of the gateway’s jobs, so a live holder keeps its job', () => {
    expect(JOB_LEASE_MS_DEFAULT).toBeGreaterThan(EXPIRY_SWEEP_INTERVAL_MS);
    expect(JOB_LEASE_MS_DEFAULT).toBeGreaterThan(CHANNEL_RECHECK_INTERVAL_MS);
  });
});
