/**
 * Making key material: the gateway's own certificate at first start, and a
 * demo merchant's `.pfx`/`.cer`. Not on the request path. node-forge only
 * lays out ASN.1 (and runs the PKCS#12 password KDF); signing, 3DES and the
 * MAC run in OpenSSL through node:crypto, so private keys stay native.
 *
 * `writePfx` encrypts the key bag *and* the certificate bag with
 * PBE-SHA1-3DES and MACs with HMAC-SHA1, the combination OpenSSL 3 opens
 * without its legacy provider and that Java keytool, PHP and CFCA tools all
 * read. Forge's own `toPkcs12Asn1` leaves certificates unencrypted, and
 * RC2-40 (what OpenSSL 1.x wrote for certificates) would need `-legacy`.
 */

import { createCipheriv, createHash, createHmac, createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

import { InvalidArgumentError } from '../errors.js';
import {
  CERTIFICATE_BACKDATE_SECONDS,
  CERTIFICATE_VALIDITY_DAYS_MAX,
  PFX_ITERATION_COUNT,
  PFX_SALT_BYTES,
} from '../limits.js';

const { asn1 } = forge;

// forge exports getTBSCertificate (x509.js); @types/node-forge omits it.
const tbsCertificateOf = (forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate;
const { Class, Type } = forge.asn1;

export interface SelfSignedCertificateOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  commonName: string;
  validityDays: number;
  /** Serial number in hex; random 128 bits when omitted. */
  serialHex?: string;
}

/** A self-signed RSA certificate (SHA-256), usable for signing and for receiving `encryptKey`. */
export function createSelfSignedCertificate(options: SelfSignedCertificateOptions): X509Certificate {
  const { privateKey, publicKey, commonName, validityDays } = options;
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > CERTIFICATE_VALIDITY_DAYS_MAX) {
    throw new InvalidArgumentError(`validityDays must be an integer from 1 to ${CERTIFICATE_VALIDITY_DAYS_MAX}`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa' || publicKey.asymmetricKeyType !== 'rsa') {
    throw new InvalidArgumentError('PayEase v3 certificates carry RSA keys');
  }
  const spki = spkiPem(publicKey);
  if (spkiPem(privateKey) !== spki) {
    throw new InvalidArgumentError('publicKey is not the public half of privateKey');
  }
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spki);
  cert.serialNumber = positiveSerialHex(options.serialHex ?? randomBytes(16).toString('hex'));
  const notBefore = new Date(Date.now() - CERTIFICATE_BACKDATE_SECONDS * 1000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + validityDays * 86_400_000);
  // UTF8String, so a merchant's Chinese name survives (forge defaults to PrintableString).
  // @types/node-forge mistypes valueTagClass as a tag class; forge reads it as the universal tag.
  const utf8Tag = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  const subject = [{ name: 'commonName', value: commonName, valueTagClass: utf8Tag }]; // forge UTF-8-encodes it
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, dataEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  // Forge lays out the ASN.1; OpenSSL signs, so the private key never enters JavaScript arithmetic.
  const algorithmOid = oid('sha256WithRSAEncryption');
  cert.siginfo.algorithmOid = algorithmOid;
  cert.signatureOid = algorithmOid;
  cert.tbsCertificate = tbsCertificateOf(cert);
  cert.signature = sign('sha256', der(cert.tbsCertificate), privateKey).toString('binary');
  return new X509Certificate(der(forge.pki.certificateToAsn1(cert)));
}

/** The DER bytes of `certificate` — the form to hand out as a `.cer` (PHP clients read `.cer` as DER). */
export function certificateToDer(certificate: X509Certificate): Buffer {
  return Buffer.from(certificate.raw);
}

export interface WritePfxOptions {
  privateKey: KeyObject;
  certificate: X509Certificate;
  password: string;
  friendlyName?: string;
}

/** A DER PKCS#12 file with key and certificate, both PBE-SHA1-3DES, MAC HMAC-SHA1. */
export function writePfx(options: WritePfxOptions): Buffer {
  const { privateKey, certificate, password } = options;
  const certDer = certificateToDer(certificate);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new InvalidArgumentError('certificate does not belong to the private key');
  }
  // OpenSSL's convention: localKeyId = SHA1(certificate DER) ties the two bags together.
  const attributes = bagAttributes(createHash('sha1').update(certDer).digest(), options.friendlyName);

  const key = pbeSha1TripleDes(privateKey.export({ type: 'pkcs8', format: 'der' }), password);
  const encryptedKey = seq([key.algorithm, octets(key.ciphertext)]); // EncryptedPrivateKeyInfo
  const keyBag = safeBag('pkcs8ShroudedKeyBag', encryptedKey, attributes);
  const certBag = safeBag(
    'certBag',
    seq([oidNode('x509Certificate'), explicit0(octets(certDer))]),
    attributes,
  );

  const authenticatedSafe = der(seq([encryptedContentInfo(der(seq([certBag])), password), dataContentInfo(der(seq([keyBag])))]));
  const pfx = seq([
    integer(3),
    dataContentInfo(authenticatedSafe),
    macData(authenticatedSafe, password),
  ]);
  return der(pfx);
}

function encryptedContentInfo(plaintext: Buffer, password: string): forge.asn1.Asn1 {
  const { algorithm, ciphertext } = pbeSha1TripleDes(plaintext, password);
  const encryptedData = seq([
    integer(0),
    seq([oidNode('data'), algorithm, asn1.create(Class.CONTEXT_SPECIFIC, 0, false, ciphertext.toString('binary'))]),
  ]);
  return seq([oidNode('encryptedData'), explicit0(encryptedData)]);
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 B and C): PKCS#12 KDF for key and IV, 3DES from OpenSSL. */
function pbeSha1TripleDes(plaintext: Buffer, password: string): { algorithm: forge.asn1.Asn1; ciphertext: Buffer } {
  const salt = randomBytes(PFX_SALT_BYTES);
  const cipher = createCipheriv('des-ede3-cbc', pkcs12Kdf(password, salt, 1, 24), pkcs12Kdf(password, salt, 2, 8));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const algorithm = seq([oidNode('pbeWithSHAAnd3-KeyTripleDES-CBC'), seq([octets(salt), integer(PFX_ITERATION_COUNT)])]);
  return { algorithm, ciphertext };
}

function dataContentInfo(content: Buffer): forge.asn1.Asn1 {
  return seq([oidNode('data'), explicit0(octets(content))]);
}

function macData(authenticatedSafe: Buffer, password: string): forge.asn1.Asn1 {
  const salt = randomBytes(PFX_SALT_BYTES);
  const mac = createHmac('sha1', pkcs12Kdf(password, salt, 3, 20)).update(authenticatedSafe).digest();
  return seq([
    seq([seq([oidNode('sha1'), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]), octets(mac)]),
    octets(salt),
    integer(PFX_ITERATION_COUNT),
  ]);
}

function safeBag(type: string, value: forge.asn1.Asn1, attributes: forge.asn1.Asn1): forge.asn1.Asn1 {
  return seq([oidNode(type), explicit0(value), attributes]);
}

function bagAttributes(localKeyId: Buffer, friendlyName: string | undefined): forge.asn1.Asn1 {
  const attributes = [seq([oidNode('localKeyId'), set([octets(localKeyId)])])];
  if (friendlyName !== undefined) {
    // Forge writes a BMPSTRING's JS string as UTF-16BE itself.
    attributes.push(seq([oidNode('friendlyName'), set([asn1.create(Class.UNIVERSAL, Type.BMPSTRING, false, friendlyName)])]));
  }
  return set(attributes);
}

/** The PKCS#12 key derivation (RFC 7292 appendix B) with SHA-1, as forge implements it. */
function pkcs12Kdf(password: string, salt: Buffer, id: 1 | 2 | 3, length: number): Buffer {
  const derived = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt.toString('binary')), id, PFX_ITERATION_COUNT, length);
  return Buffer.from(derived.getBytes(), 'binary');
}

/** The SPKI PEM of a public key, or of a private key's public half. */
function spkiPem(key: KeyObject): string {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

function positiveSerialHex(serialHex: string): string {
  if (!/^[0-9a-fA-F]+$/.test(serialHex) || serialHex.length > 40) {
    throw new InvalidArgumentError('serialHex must be 1 to 40 hex digits');
  }
  const even = serialHex.length % 2 === 0 ? serialHex : `0${serialHex}`;
  // DER INTEGER is signed: a leading byte ≥ 0x80 needs a zero byte in front to stay positive.
  return parseInt(even.slice(0, 2), 16) >= 0x80 ? `00${even}` : even;
}

function seq(children: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, children);
}

function set(children: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.SET, true, children);
}

function explicit0(child: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [child]);
}

function octets(bytes: Buffer): forge.asn1.Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bytes.toString('binary'));
}

function integer(value: number): forge.asn1.Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

function oid(name: string): string {
  const value = forge.pki.oids[name];
  if (value === undefined) throw new Error(`node-forge lacks OID ${name}`);
  return value;
}

function oidNode(name: string): forge.asn1.Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(oid(name)).getBytes());
}

function der(node: forge.asn1.Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}
