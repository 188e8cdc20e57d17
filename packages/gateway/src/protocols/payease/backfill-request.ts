import { isIP } from 'node:net';
import { GatewayError } from '../../domain/errors.js';
import {
  ATTACHMENT_NAME_LENGTH_MAX,
  ATTACHMENTS_PER_ANSWER_MAX,
  DISPUTE_STATEMENT_LENGTH_MAX,
  EMAIL_LENGTH_MAX,
  REQUEST_ID_LENGTH_MAX,
  TEXT_LENGTH_MAX,
} from '../../domain/limits.js';
import type { AttachmentInput } from '../../domain/attachment.js';
import type { EvidenceSubmission } from '../../orders/dispute-service.js';
import { requestDigest } from '../../orders/request-digest.js';
import { str, type Wire } from './wire-fields.js';
import { parseTrackingNumbers } from './tracking-numbers.js';
import { parseBeijingDate } from './wire-time.js';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{4,31}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Maps `icc/retrieval/backfill`: the case (`disputeId`, or the order's
 * `serialNumber` for its latest case), what the acquirer asks for, and
 * attachments as base64. Size and type of the attachments are checked by
 * the domain; here only that they are well-formed.
 */
export function parseBackfillRequest(payload: Wire, nowMs: number): EvidenceSubmission {
  const disputeId = str(payload, 'disputeId', false, REQUEST_ID_LENGTH_MAX);
  const serialNumber = str(payload, 'serialNumber', false, REQUEST_ID_LENGTH_MAX);
  if (disputeId === undefined && serialNumber === undefined) throw new GatewayError('FIELD_MISSING', { field: 'disputeId' });
  const logisticsCompany = str(payload, 'logisticsCompany', false, TEXT_LENGTH_MAX);
  const trackingNumbers = payload.trackingNumbers === undefined || payload.trackingNumbers === null ? [] : parseTrackingNumbers(payload.trackingNumbers);
  if ((logisticsCompany === undefined) !== (trackingNumbers.length === 0)) throw new GatewayError('FIELD_INVALID', { field: 'trackingNumbers', reason: 'logisticsCompany and trackingNumbers go together' });
  const deliveryDate = str(payload, 'deliveryDate', false, 10);
  if (deliveryDate !== undefined && parseBeijingDate(deliveryDate, 'deliveryDate') > nowMs) throw new GatewayError('FIELD_INVALID', { field: 'deliveryDate', reason: 'in the future' });
  const customerEmail = str(payload, 'customerEmail', true, EMAIL_LENGTH_MAX)!;
  if (!EMAIL_PATTERN.test(customerEmail)) throw new GatewayError('FIELD_INVALID', { field: 'customerEmail', reason: 'not an e-mail address' });
  const customerPhone = str(payload, 'customerPhone', false, 32);
  if (customerPhone !== undefined && !PHONE_PATTERN.test(customerPhone)) throw new GatewayError('FIELD_INVALID', { field: 'customerPhone', reason: 'digits, spaces, ( ) - and a leading +' });
  const customerIp = str(payload, 'customerIp', false, 45);
  if (customerIp !== undefined && isIP(customerIp) === 0) throw new GatewayError('FIELD_INVALID', { field: 'customerIp', reason: 'not an IPv4 or IPv6 address' });
  const requestId = str(payload, 'requestId', false, REQUEST_ID_LENGTH_MAX);
  return {
    ...(disputeId !== undefined ? { disputeId } : { orderId: serialNumber! }),
    requestId: requestId ?? null,
    requestDigest: requestDigest(payload),
    details: {
      ...(logisticsCompany !== undefined ? { logisticsCompany } : {}),
      trackingNumbers,
      ...(deliveryDate !== undefined ? { deliveryDate } : {}),
      customerName: str(payload, 'customerName', true, TEXT_LENGTH_MAX)!,
      customerEmail,
      ...(customerPhone !== undefined ? { customerPhone } : {}),
      ...(customerIp !== undefined ? { customerIp } : {}),
      productDescription: str(payload, 'productDescription', true, TEXT_LENGTH_MAX)!,
      statement: statementOf(payload),
    },
    attachments: parseAttachments(payload.attachments),
  };
}

/** Free text over several lines: line breaks and tabs are allowed, other control characters are not. */
function statementOf(payload: Wire): string {
  const v = payload.statement;
  if (v === undefined || v === null || v === '') throw new GatewayError('FIELD_MISSING', { field: 'statement' });
  if (typeof v !== 'string') throw new GatewayError('FIELD_INVALID', { field: 'statement', reason: 'must be a string' });
  if (v.length > DISPUTE_STATEMENT_LENGTH_MAX) throw new GatewayError('FIELD_INVALID', { field: 'statement', reason: `longer than ${DISPUTE_STATEMENT_LENGTH_MAX} characters` });
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) throw new GatewayError('FIELD_INVALID', { field: 'statement', reason: 'contains control characters' });
  return v;
}

function parseAttachments(value: unknown): AttachmentInput[] {
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) throw new GatewayError('FIELD_INVALID', { field: 'attachments', reason: 'must be a list' });
  if (value.length > ATTACHMENTS_PER_ANSWER_MAX) throw new GatewayError('FIELD_INVALID', { field: 'attachments', reason: `at most ${ATTACHMENTS_PER_ANSWER_MAX} files` });
  return value.map((item, i) => {
    const label = `attachments[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new GatewayError('FIELD_INVALID', { field: label, reason: 'must be an object' });
    const a = item as Wire;
    const name = str(a, 'name', true, ATTACHMENT_NAME_LENGTH_MAX, `${label}.name`)!;
    // A name is shown, never used as a path: the store names files by their digest.
    if (/[/\\]/.test(name)) throw new GatewayError('FIELD_INVALID', { field: `${label}.name`, reason: 'no path separators' });
    const declaredType = str(a, 'contentType', true, 100, `${label}.contentType`)!;
    const base64 = a.contentBase64;
    if (typeof base64 !== 'string' || base64 === '') throw new GatewayError('FIELD_MISSING', { field: `${label}.contentBase64` });
    if (base64.length % 4 !== 0 || !BASE64_PATTERN.test(base64)) throw new GatewayError('FIELD_INVALID', { field: `${label}.contentBase64`, reason: 'not base64' });
    return { name, declaredType, content: Buffer.from(base64, 'base64') };
  });
}
