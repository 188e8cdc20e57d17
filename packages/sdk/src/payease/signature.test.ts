import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { jsonPayload, leafPaths, tamperedAt } from '../test-support/arbitraries.js';
import { loadVectorKeys, makeTempDir, sh, VECTOR_KEY_DIR } from '../test-support/fixtures.js';
import { canonicalString, type SkipRule } from './canonical.js';
import { signPayload, verifyPayload } from './signature.js';

const keys = loadVectorKeys();
const temp = makeTempDir();
afterAll(() => temp.remove());

const merchantKeyFile = join(VECTOR_KEY_DIR, 'merchant.key');
const merchantPubFile = join(temp.dir, 'merchant.pub.pem');
writeFileSync(merchantPubFile, sh(`openssl x509 -inform DER -in '${join(VECTOR_KEY_DIR, 'merchant.cer')}' -noout -pubkey`));

/** Payloads with the canonical string written out by hand (never by the code under test). */
const examples: { payload: Record<string, unknown>; rule: SkipRule; canonical: string }[] = [
  { payload: { merchantId: '890000593', requestId: 'A1', orderAmount: '100' }, rule: 'request', canonical: '890000593#100#A1#' },
  { payload: { remark: '名前 ümlaut 😀', zero: '0', e: '' }, rule: 'verify', canonical: '名前 ümlaut 😀#0#' },
  { payload: { list: [{ b: '', a: ' x' }], o: { k: '0', j: 'y' } }, rule: 'request', canonical: 'x##y#' },
];

describe('signPayload against the openssl command line', () => {
  it.each(examples)('signs $canonical like `openssl dgst -sha1 -binary | openssl dgst -md5 -sign`', ({ payload, rule, canonical }) => {
    expect(canonicalString(payload, rule)).toBe(canonical);
    const expected = sh(`openssl dgst -sha1 -binary | openssl dgst -md5 -sign '${merchantKeyFile}' -binary | base64 -w0`, {
      input: canonical,
    }).toString();
    expect(signPayload(payload, keys.merchantKey, rule)).toBe(expected);
  });

  it('matches pkeyutl with digest:md5 over MD5(SHA1(canonical))', () => {
    const { payload, rule, canonical } = examples[1]!;
    const expected = sh(
      `openssl dgst -sha1 -binary | openssl dgst -md5 -binary | openssl pkeyutl -sign -inkey '${merchantKeyFile}' -pkeyopt digest:md5 | base64 -w0`,
      { input: canonical },
    ).toString();
    expect(signPayload(payload, keys.merchantKey, rule)).toBe(expected);
  });

  it.each(examples)('produces signatures openssl verifies ($canonical)', ({ payload, rule, canonical }) => {
    const sha1File = join(temp.dir, 'sha1.bin');
    const signatureFile = join(temp.dir, 'sig.bin');
    writeFileSync(signatureFile, Buffer.from(signPayload(payload, keys.merchantKey, rule), 'base64'));
    sh(`openssl dgst -sha1 -binary > '${sha1File}'`, { input: canonical });
    const output = sh(`openssl dgst -md5 -verify '${merchantPubFile}' -signature '${signatureFile}' '${sha1File}'`).toString();
    expect(output).toContain('Verified OK');
  });

  it.each(examples)('accepts openssl-made signatures ($canonical)', ({ payload, canonical }) => {
    const hmac = sh(`openssl dgst -sha1 -binary | openssl dgst -md5 -sign '${merchantKeyFile}' -binary | base64 -w0`, {
      input: canonical,
    }).toString();
    expect(verifyPayload({ ...payload, hmac }, [keys.merchantCert.publicKey])).toBe(true);
  });
});

describe('verifyPayload', () => {
  const payload = { merchantId: '890000593', requestId: 'R', clientIp: '0', orderAmount: '1' };

  it('accepts a signature under either skip rule', () => {
    for (const rule of ['request', 'verify'] as const) {
      const hmac = signPayload(payload, keys.merchantKey, rule);
      expect(verifyPayload({ ...payload, hmac }, [keys.merchantCert.publicKey])).toBe(true);
    }
  });

  it('accepts if any of several keys verifies (rotation)', () => {
    const hmac = signPayload(payload, keys.merchantKey);
    expect(verifyPayload({ ...payload, hmac }, [keys.gatewayCert.publicKey, keys.merchantCert.publicKey])).toBe(true);
    expect(verifyPayload({ ...payload, hmac }, [keys.gatewayCert.publicKey])).toBe(false);
    expect(verifyPayload({ ...payload, hmac }, [])).toBe(false);
  });

  it('returns false, never throws, for garbage', () => {
    const good = signPayload(payload, keys.merchantKey);
    const ed25519 = generateKeyPairSync('ed25519').publicKey;
    const garbage: unknown[] = [undefined, null, 1, '', '!!!!', 'AAAA', `${good} `, `${good.slice(0, -4)}`, ['x'], { a: 1 }, good.replace(/.$/, '*')];
    for (const hmac of garbage) {
      expect(verifyPayload({ ...payload, hmac }, [keys.merchantCert.publicKey])).toBe(false);
    }
    expect(verifyPayload({ ...payload, hmac: good }, [ed25519])).toBe(false);
    expect(verifyPayload({ ...payload, deep: [[[['x']]]], hmac: good }, [keys.merchantCert.publicKey])).toBe(false);
    expect(verifyPayload({ ...payload, f: 1.5, hmac: good }, [keys.merchantCert.publicKey])).toBe(false);
  });

  it('round-trips sign → verify for any payload and either rule', () => {
    fc.assert(
      fc.property(jsonPayload(), fc.constantFrom<SkipRule>('request', 'verify'), (generated, rule) => {
        const hmac = signPayload(generated, keys.merchantKey, rule);
        expect(verifyPayload({ ...generated, hmac }, [keys.gatewayCert.publicKey, keys.merchantCert.publicKey])).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects any tampered field', () => {
    const withLeaf = jsonPayload().filter((generated) => leafPaths(generated).some((path) => path.length > 0));
    fc.assert(
      fc.property(withLeaf, fc.constantFrom<SkipRule>('request', 'verify'), fc.nat(), (generated, rule, pick) => {
        const hmac = signPayload(generated, keys.merchantKey, rule);
        const paths = leafPaths(generated).filter((path) => path.length > 0);
        const tampered = tamperedAt(generated, paths[pick % paths.length]!);
        expect(verifyPayload({ ...tampered, hmac }, [keys.merchantCert.publicKey])).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
