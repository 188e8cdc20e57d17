import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../errors.js';
import { makeTempDir, sh } from '../test-support/fixtures.js';
import { loadPfx } from './keys.js';
import { certificateToDer, createSelfSignedCertificate, writePfx } from './provisioning.js';

const temp = makeTempDir();
afterAll(() => temp.remove());

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('createSelfSignedCertificate', () => {
  it('makes a certificate that verifies with its own key and that openssl reads', () => {
    const before = Date.now();
    const certificate = createSelfSignedCertificate({ privateKey, publicKey, commonName: '演示商户 890000593', validityDays: 365 });
    expect(certificate.verify(publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(privateKey)).toBe(true);
    expect(certificate.subject).toBe('CN=演示商户 890000593');
    expect(certificate.issuer).toBe(certificate.subject);
    const notAfter = Date.parse(certificate.validTo);
    expect(notAfter - before).toBeGreaterThan(364 * 86_400_000);
    expect(notAfter - before).toBeLessThan(366 * 86_400_000);

    const file = join(temp.dir, 'self.cer');
    writeFileSync(file, certificateToDer(certificate));
    const text = sh(`openssl x509 -inform DER -in '${file}' -noout -text -nameopt utf8`).toString();
    expect(text).toContain('CN=演示商户 890000593');
    expect(text).toContain('sha256WithRSAEncryption');
    expect(text).toMatch(/Digital Signature, Key Encipherment, Data Encipherment/);
    expect(text).toContain('CA:FALSE');
  });

  it('keeps serial numbers positive', () => {
    const file = join(temp.dir, 'serial.cer');
    for (const [serialHex, expected] of [['ff01', 'FF01'], ['abc', '0ABC'], ['7f', '7F']] as const) {
      const certificate = createSelfSignedCertificate({ privateKey, publicKey, commonName: 'x', validityDays: 1, serialHex });
      writeFileSync(file, certificateToDer(certificate));
      // openssl prints a negative serial with a leading "-".
      expect(sh(`openssl x509 -inform DER -in '${file}' -noout -serial`).toString().trim()).toBe(`serial=${expected}`);
    }
  });

  it('refuses bad validity, serials and non-RSA keys', () => {
    expect(() => createSelfSignedCertificate({ privateKey, publicKey, commonName: 'x', validityDays: 0 })).toThrow(InvalidArgumentError);
    expect(() => createSelfSignedCertificate({ privateKey, publicKey, commonName: 'x', validityDays: 1, serialHex: 'xyz' })).toThrow(InvalidArgumentError);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => createSelfSignedCertificate({ privateKey, publicKey: other.publicKey, commonName: 'x', validityDays: 1 })).toThrow(InvalidArgumentError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => createSelfSignedCertificate({ ...ec, commonName: 'x', validityDays: 1 })).toThrow(InvalidArgumentError);
  });
});

describe('writePfx', () => {
  const certificate = createSelfSignedCertificate({ privateKey, publicKey, commonName: 'demo merchant', validityDays: 30 });
  const password = 'demo-pass';
  const pfx = writePfx({ privateKey, certificate, password, friendlyName: 'demo 商户' });
  const file = join(temp.dir, 'demo.pfx');
  writeFileSync(file, pfx);

  it('opens in OpenSSL 3 without -legacy, 3DES for both bags, MAC sha1', () => {
    const info = sh(`openssl pkcs12 -info -noout -in '${file}' -passin 'pass:${password}' 2>&1`).toString();
    expect(info).toContain('MAC: sha1, Iteration 2048');
    expect(info).toContain('PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
    expect(info).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
    expect(info).not.toMatch(/RC2|error/i);
  });

  it('holds the key and certificate, as openssl extracts them', () => {
    sh(
      `openssl pkcs12 -in '${file}' -passin 'pass:${password}' -nocerts -nodes | openssl pkey -pubout -outform DER -out key.pub.der
       openssl pkcs12 -in '${file}' -passin 'pass:${password}' -nokeys -clcerts | openssl x509 -outform DER -out cert.der`,
      { cwd: temp.dir },
    );
    expect(readFileSync(join(temp.dir, 'key.pub.der'))).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
    expect(readFileSync(join(temp.dir, 'cert.der'))).toEqual(certificateToDer(certificate));
  });

  it('carries friendlyName and a localKeyId tying key to certificate, like openssl -name', () => {
    const dump = sh(`openssl pkcs12 -in '${file}' -passin 'pass:${password}' -nodes 2>/dev/null`).toString();
    // openssl prints non-ASCII BMP names lossily, so compare with what it prints for its own file.
    writeFileSync(join(temp.dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(temp.dir, 'c.pem'), certificate.toString());
    const reference = sh(
      `openssl pkcs12 -export -inkey k.pem -in c.pem -name 'demo 商户' -passout pass:x | openssl pkcs12 -passin pass:x -nodes 2>/dev/null`,
      { cwd: temp.dir },
    ).toString();
    const names = (text: string): string[] => text.match(/friendlyName: .*/g) ?? [];
    expect(names(dump)).toHaveLength(2);
    expect(names(dump)).toEqual(names(reference));
    const ids = (text: string): string[] => [...text.matchAll(/localKeyID: ([0-9A-F ]+)/g)].map((match) => match[1]!.trim());
    expect(ids(dump)).toHaveLength(2);
    expect(ids(dump)).toEqual(ids(reference)); // both use SHA1 of the certificate
  });

  it('is rejected by openssl with a wrong password', () => {
    expect(() => sh(`openssl pkcs12 -info -noout -in '${file}' -passin pass:nope 2>&1`)).toThrow();
  });

  it('round-trips through loadPfx', () => {
    const loaded = loadPfx(pfx, password);
    expect(loaded.certificate.raw).toEqual(certificate.raw);
    expect(createPublicKey(loaded.privateKey).export({ type: 'spki', format: 'der' })).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
  });

  it('refuses a certificate of another key', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => writePfx({ privateKey: other.privateKey, certificate, password })).toThrow(InvalidArgumentError);
  });
});
