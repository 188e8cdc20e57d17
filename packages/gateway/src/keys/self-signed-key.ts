import { generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { createSelfSignedCertificate } from '@opencashier/sdk';

/** RSA size of every key the gateway makes: what CFCA issues and every PayEase client expects. */
export const RSA_KEY_BITS = 2048;
/** Lifetime of the certificates the gateway makes; rotation is expected well before. */
export const CERTIFICATE_VALIDITY_DAYS = 3650;

/** A fresh RSA key pair with a self-signed certificate: the gateway's own, or one issued to a merchant. */
export function generateSelfSignedKey(commonName: string): { privateKey: KeyObject; certificate: X509Certificate } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: RSA_KEY_BITS });
  const certificate = createSelfSignedCertificate({ privateKey, publicKey, commonName, validityDays: CERTIFICATE_VALIDITY_DAYS });
  return { privateKey, certificate };
}
