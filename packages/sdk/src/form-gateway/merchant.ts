/**
 * What a merchant's shop needs to speak the form gateway: sign the order
 * form, verify the results that come back (page return, server notification,
 * remittance answer), and answer a notification.
 */
import { SignatureVerificationError, MalformedInputError } from '../errors.js';
import { FORM_REMITTANCE_FIELDS, FORM_REQUEST_FIELDS, FORM_RESULT_FIELDS } from './field-order.js';
import { escapeXml, parseFlatXml } from './flat-xml.js';
import { formSign, verifyFormSign, type FormFields, type FormSigner, type FormVerifier } from './signature.js';

/** The order form's fields with `signMsg` added; post them as hidden inputs. */
export function signFormRequest(fields: FormFields, signer: FormSigner): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  out.signType = signer.signType;
  out.signMsg = formSign(out, FORM_REQUEST_FIELDS, signer);
  return out;
}

/**
 * A result as received on the pageUrl (query string) or bgUrl: throws
 * `SignatureVerificationError` unless `signMsg` verifies.
 */
export function verifyFormResult(params: URLSearchParams | FormFields, verifier: FormVerifier): Record<string, string> {
  const fields: Record<string, string> = {};
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [k, v] of entries) if (typeof v === 'string') fields[k] = v;
  if (!verifyFormSign(fields, FORM_RESULT_FIELDS, fields.signMsg, verifier)) throw new SignatureVerificationError('result signMsg does not verify');
  return fields;
}

/** The XML answer to an offline remittance order, verified. */
export function verifyRemittanceAnswer(xml: string, verifier: FormVerifier): Record<string, string> {
  const fields = parseFlatXml(xml);
  if (!fields) throw new MalformedInputError('answer is not the gateway XML');
  if (!verifyFormSign(fields, FORM_REMITTANCE_FIELDS, fields.signMsg, verifier)) throw new SignatureVerificationError('answer signMsg does not verify');
  return fields;
}

/** The answer to a bgUrl notification: received (`1`), and where the payer's browser goes next. */
export function formNotifyAck(redirectUrl: string): string {
  return `<result>1</result><redirecturl>${escapeXml(redirectUrl)}</redirecturl>`;
}
