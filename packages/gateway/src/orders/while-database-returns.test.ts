import { describe, expect, it } from 'vitest';
import { DATABASE_REAPPLY_ATTEMPTS_MAX } from '../domain/limits.js';
import { whileDatabaseReturns } from './while-database-returns.js';

const lost = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
const noSleep = async () => {};

describe('whileDatabaseReturns', () => {
  it('repeats a write that lost its connection until it goes through', async () => {
    let calls = 0;
    const result = await whileDatabaseReturns(async () => {
      calls += 1;
      if (calls < 3) throw lost();
      return 'recorded';
    }, noSleep);
    expect(result).toBe('recorded');
    expect(calls).toBe(3);
  });

  it('gives up after its attempts with the database error', async () => {
    let calls = 0;
    const outcome = whileDatabaseReturns(async () => {
      calls += 1;
      throw lost();
    }, noSleep);
    await expect(outcome).rejects.toMatchObject({ code: '57P01' });
    expect(calls).toBe(DATABASE_REAPPLY_ATTEMPTS_MAX);
  });

  it('never repeats a write that failed for another reason', async () => {
    let calls = 0;
    const outcome = whileDatabaseReturns(async () => {
      calls += 1;
      throw Object.assign(new Error('duplicate key'), { code: '23505' });
    }, noSleep);
    await expect(outcome).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(1);
  });
});
