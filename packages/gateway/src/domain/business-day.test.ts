import { describe, expect, it } from 'vitest';
import { addDays, businessDate, dayBoundsMs, isBusinessDate, localTimeMs } from './business-day.js';

describe('business days', () => {
  it('a Beijing day runs from 16:00 UTC the day before', () => {
    expect(dayBoundsMs('2026-11-22', 'Asia/Shanghai')).toEqual({ startMs: Date.parse('2026-11-21T16:00:00Z'), endMs: Date.parse('2026-11-22T16:00:00Z') });
    expect(businessDate(Date.parse('2026-11-21T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-11-21');
    expect(businessDate(Date.parse('2026-11-21T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-22');
    expect(localTimeMs('2026-11-22', '06:00', 'Asia/Shanghai')).toBe(Date.parse('2026-11-21T22:00:00Z'));
  });
  it('days with a daylight-saving change are 23 or 25 hours long', () => {
    const spring = dayBoundsMs('2026-03-29', 'Europe/Berlin');
    expect(spring.endMs - spring.startMs).toBe(23 * 3_600_000);
    const autumn = dayBoundsMs('2026-10-25', 'Europe/Berlin');
    expect(autumn.endMs - autumn.startMs).toBe(25 * 3_600_000);
  });
  it('validates and steps dates', () => {
    expect(isBusinessDate('2026-02-29')).toBe(false);
    expect(isBusinessDate('2028-02-29')).toBe(true);
    expect(isBusinessDate('2026-1-01')).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
