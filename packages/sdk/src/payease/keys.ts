/**
 * Reading key material: the merchant's PKCS#12 `.pfx` (CFCA-issued, password
 * protected), `.cer` certificates in DER or PEM, and PEM private keys.
 *
 * Node's crypto cannot read PKCS#12, so node-forge parses the file — and
 * only that: the key and certificate leave here as native `KeyObject` and
 * `X509Certificate`, and every signature and decryption on the request path
 * runs in OpenSSL. Forge reads all the encryptions found in the field:
 * PBE-SHA1-3DES (CFCA, Java, OpenSSL 1.x), PBE-SHA1-RC2-40 (older CFCA
 * exports, which OpenSSL 3 refuses without its legacy provider) and
 * PBES2/PBKDF2/AES-256-CBC (OpenSSL 3's default), with SHA-1 or SHA-2 MACs.
 */

import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

import { KeyFormatError, PfxPasswordError } from '../errors.js';

export interface PfxContents {
  privateKey: KeyObject;
  /** The certificate of `privateKey`; a chain in the file is not returned. */
  certificate: X509Certificate;
}

/**
 * Opens a DER `.pfx`. Throws `PfxPasswordError` for a wrong password and
 * `KeyFormatError` for anything else (not PKCS#12, no key, no matching
 * certificate). Passwords are taken as forge takes them: ASCII and other
 * BMP characters work for the PKCS#12 KDF; non-ASCII passwords of PBES2
 * files are not supported (forge reads them as Latin-1).
 */
export function loadPfx(der: Uint8Array, password: string): PfxContents {
  const pfx = parsePfx(der, password);
  const privateKey = findPrivateKey(pfx);
  const publicDer = spkiDer(createPublicKey(privateKey));
  const certificates = findCertificates(pfx);
  const certificate = certificates.find((candidate) => spkiDer(candidate.publicKey).equals(publicDer));
  if (certificate === undefined) {
    throw new KeyFormatError(
      certificates.length === 0 ? 'PKCS#12 file holds no certificate' : 'PKCS#12 file holds no certificate for its private key',
    );
  }
  return { privateKey, certificate };
}

/** A certificate from DER bytes or PEM text (the first certificate of a PEM file). */
export function loadCertificate(bytes: Uint8Array | string): X509Certificate {
  try {
    return new X509Certificate(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes));
  } catch (cause) {
    throw new KeyFormatError('not an X.509 certificate in DER or PEM form', { cause });
  }
}

/** A private key from PEM (PKCS#8, PKCS#1 or SEC1; encrypted PEM needs `passphrase`). */
export function loadPrivateKey(pem: string | Uint8Array, passphrase?: string): KeyObject {
  try {
    const key = typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
    return createPrivateKey(passphrase === undefined ? { key, format: 'pem' } : { key, format: 'pem', passphrase });
  } catch (cause) {
    throw new KeyFormatError('not a PEM private key (or wrong passphrase)', { cause });
  }
}

function parsePfx(der: Uint8Array, password: string): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(der).toString('binary')), false);
  } catch (cause) {
    throw new KeyFormatError('not a PKCS#12 file (DER expected)', { cause });
  }
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (cause) {
    if (looksLikeWrongPassword(cause)) throw new PfxPasswordError();
    throw new KeyFormatError('PKCS#12 file could not be read', { cause });
  }
}

/**
 * Forge signals a wrong password by MAC failure or, in MAC-less files, by a
 * decryption that does not unpad. Its messages are the only signal.
 */
function looksLikeWrongPassword(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /Invalid password|wrong password|Failed to decrypt PKCS#12 SafeContents/i.test(message);
}

function findPrivateKey(pfx: forge.pkcs12.Pkcs12Pfx): KeyObject {
  const bags = [
    ...bagsOfType(pfx, oid('pkcs8ShroudedKeyBag')),
    ...bagsOfType(pfx, oid('keyBag')),
  ];
  const bag = bags[0];
  if (bag === undefined) throw new KeyFormatError('PKCS#12 file holds no private key');
  try {
    if (bag.key) return createPrivateKey(forge.pki.privateKeyToPem(bag.key));
    // Forge parses RSA keys only; other types come back as PrivateKeyInfo ASN.1, which Node reads.
    return createPrivateKey({ key: asn1ToBuffer(bag.asn1), format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw new KeyFormatError('PKCS#12 private key could not be read', { cause });
  }
}

function findCertificates(pfx: forge.pkcs12.Pkcs12Pfx): X509Certificate[] {
  const bags = bagsOfType(pfx, oid('certBag'));
  const certificates: X509Certificate[] = [];
  for (const bag of bags) {
    try {
      const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
      certificates.push(new X509Certificate(asn1ToBuffer(asn1)));
    } catch {
      // A chain certificate we cannot read is not a reason to refuse the merchant's own.
    }
  }
  return certificates;
}

function bagsOfType(pfx: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return pfx.getBags({ bagType })[bagType] ?? [];
}

function oid(name: string): string {
  const value = forge.pki.oids[name];
  if (value === undefined) throw new Error(`node-forge lacks OID ${name}`);
  return value;
}

function asn1ToBuffer(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function spkiDer(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}
