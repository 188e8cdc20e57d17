/**
 * PKCS#12 files made by the openssl command line (never by our own writer)
 * in every encryption found in the field.
 */

import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KeyFormatError, PfxPasswordError } from '../errors.js';
import { makeTempDir, sh, vectorFile, VECTOR_PFX_PASSWORD } from '../test-support/fixtures.js';
import { loadCertificate, loadPfx, loadPrivateKey } from './keys.js';

const temp = makeTempDir();
const password = 'pfx-pass 123';
let publicKeyDer: Buffer;
let certificateDer: Buffer;

beforeAll(() => {
  sh(
    `openssl req -x509 -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.crt -subj '/CN=openssl merchant' -days 30
     openssl pkey -in leaf.key -pubout -outform DER -out leaf.pub.der
     openssl x509 -in leaf.crt -outform DER -out leaf.der
     openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj '/CN=openssl ca' -days 30`,
    { cwd: temp.dir },
  );
  publicKeyDer = readFileSync(join(temp.dir, 'leaf.pub.der'));
  certificateDer = readFileSync(join(temp.dir, 'leaf.der'));
});
afterAll(() => temp.remove());

/** Each case: how openssl writes it, how openssl reads it back (-legacy where RC2 is involved), and what -info must report. */
const variants: { name: string; exportArgs: string; infoArgs: string; expectInfo: RegExp[] }[] = [
  {
    name: 'PBE-SHA1-3DES, MAC sha1 (CFCA, Java, OpenSSL 1.x)',
    exportArgs: '-keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1',
    infoArgs: '',
    expectInfo: [/Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/, /PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC/, /MAC: sha1/],
  },
  {
    name: 'OpenSSL 1.x default: RC2-40 certificates, 3DES key (-legacy)',
    exportArgs: '-legacy',
    infoArgs: '-legacy',
    expectInfo: [/PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC/, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/],
  },
  {
    name: 'RC2-40 for key and certificates (old CFCA exports)',
    exportArgs: '-legacy -keypbe PBE-SHA1-RC2-40 -certpbe PBE-SHA1-RC2-40',
    infoArgs: '-legacy',
    expectInfo: [/PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC/, /Shrouded Keybag: pbeWithSHA1And40BitRC2-CBC/],
  },
  {
    name: 'OpenSSL 3 default: PBES2/PBKDF2/AES-256-CBC, MAC sha256',
    exportArgs: '',
    infoArgs: '',
    expectInfo: [/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/, /MAC: sha256/],
  },
  {
    name: 'with a CA certificate in the chain, before the leaf',
    exportArgs: '-certfile ca.crt -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES',
    infoArgs: '',
    expectInfo: [/Certificate bag/],
  },
];

describe.each(variants)('loadPfx: $name', ({ exportArgs, infoArgs, expectInfo }) => {
  let pfx: Buffer;
  beforeAll(() => {
    const file = `v${variants.findIndex((variant) => variant.exportArgs === exportArgs)}.pfx`;
    sh(`openssl pkcs12 -export ${exportArgs} -inkey leaf.key -in leaf.crt -out ${file} -passout 'pass:${password}'`, { cwd: temp.dir });
    const info = sh(`openssl pkcs12 ${infoArgs} -info -noout -in ${file} -passin 'pass:${password}' 2>&1`, { cwd: temp.dir }).toString();
    for (const pattern of expectInfo) expect(info).toMatch(pattern);
    pfx = readFileSync(join(temp.dir, file));
  });

  it('yields the key and certificate openssl put in', () => {
    const { privateKey, certificate } = loadPfx(pfx, password);
    expect(privateKey.type).toBe('private');
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })).toEqual(publicKeyDer);
    expect(certificate.raw).toEqual(certificateDer);
  });

  it('reports a wrong password as PfxPasswordError', () => {
    expect(() => loadPfx(pfx, 'wrong')).toThrow(PfxPasswordError);
  });
});

describe('loadPfx failures', () => {
  it('names a file without a private key', () => {
    sh(`openssl pkcs12 -export -nokeys -in leaf.crt -out nokey.pfx -passout pass:x -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES`, { cwd: temp.dir });
    expect(() => loadPfx(readFileSync(join(temp.dir, 'nokey.pfx')), 'x')).toThrow(/no private key/);
  });

  it('names a file without a certificate, or without the one for its key', () => {
    sh(
      `openssl pkcs12 -export -inkey ca.key -nocerts -out keyonly.pfx -passout pass:x -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES
       openssl pkcs12 -export -inkey ca.key -nocerts -certfile leaf.crt -out mismatch.pfx -passout pass:x -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES`,
      { cwd: temp.dir },
    );
    expect(() => loadPfx(readFileSync(join(temp.dir, 'keyonly.pfx')), 'x')).toThrow(/holds no certificate$/);
    expect(() => loadPfx(readFileSync(join(temp.dir, 'mismatch.pfx')), 'x')).toThrow(/no certificate for its private key/);
  });

  it('refuses bytes that are not PKCS#12', () => {
    expect(() => loadPfx(Buffer.from('not a pfx'), 'x')).toThrow(KeyFormatError);
    expect(() => loadPfx(certificateDer, 'x')).toThrow(KeyFormatError);
  });

  it('opens the CFCA-like vector files', () => {
    const { certificate } = loadPfx(vectorFile('merchant.pfx'), VECTOR_PFX_PASSWORD);
    expect(certificate.subject).toContain('TEST ONLY merchant 890000593');
    expect(() => loadPfx(vectorFile('merchant.pfx'), '654321')).toThrow(PfxPasswordError);
  });
});

describe('loadCertificate and loadPrivateKey', () => {
  it('read DER and PEM alike', () => {
    expect(loadCertificate(certificateDer).raw).toEqual(certificateDer);
    expect(loadCertificate(readFileSync(join(temp.dir, 'leaf.crt'))).raw).toEqual(certificateDer);
    expect(loadCertificate(readFileSync(join(temp.dir, 'leaf.crt'), 'utf8')).raw).toEqual(certificateDer);
  });

  it('read PEM private keys', () => {
    const key = loadPrivateKey(readFileSync(join(temp.dir, 'leaf.key'), 'utf8'));
    expect(createPublicKey(key).export({ type: 'spki', format: 'der' })).toEqual(publicKeyDer);
  });

  it('throw KeyFormatError for garbage', () => {
    expect(() => loadCertificate(Buffer.from('garbage'))).toThrow(KeyFormatError);
    expect(() => loadPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toThrow(KeyFormatError);
  });
});
