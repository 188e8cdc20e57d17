import { GatewayError } from './errors.js';
import { ATTACHMENT_BYTES_MAX, ATTACHMENTS_TOTAL_BYTES_MAX } from './limits.js';

/**
 * Evidence files a merchant may send with a dispute answer. The declared
 * type is only believed when the file's first bytes say the same: a file
 * an acquirer's reviewer opens must be what it claims to be.
 */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

const MAGIC: readonly { type: AttachmentType; bytes: readonly number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
];

/** The type the content's magic bytes identify, if it is one of the allowed ones. */
export function sniffAttachmentType(content: Uint8Array): AttachmentType | undefined {
  return MAGIC.find((m) => m.bytes.length <= content.length && m.bytes.every((b, i) => content[i] === b))?.type;
}

export interface AttachmentInput {
  name: string;
  declaredType: string;
  content: Buffer;
}

export interface CheckedAttachment {
  name: string;
  contentType: AttachmentType;
  content: Buffer;
}

/** Size and type checks of a submission's attachments; refuses the whole submission on the first bad one. */
export function checkAttachments(inputs: readonly AttachmentInput[]): CheckedAttachment[] {
  let total = 0;
  return inputs.map((a) => {
    if (a.content.length > ATTACHMENT_BYTES_MAX) throw new GatewayError('ATTACHMENT_TOO_LARGE', { name: a.name, limit: String(ATTACHMENT_BYTES_MAX) });
    total += a.content.length;
    if (total > ATTACHMENTS_TOTAL_BYTES_MAX) throw new GatewayError('ATTACHMENT_TOO_LARGE', { name: `${a.name} (with the attachments before it)`, limit: String(ATTACHMENTS_TOTAL_BYTES_MAX) });
    const sniffed = sniffAttachmentType(a.content);
    const declared = a.declaredType.toLowerCase() === 'image/jpg' ? 'image/jpeg' : a.declaredType.toLowerCase();
    if (!sniffed || sniffed !== declared) throw new GatewayError('ATTACHMENT_TYPE_NOT_ALLOWED', { name: a.name, allowed: 'PDF, PNG or JPEG, declared as what it is' });
    return { name: a.name, contentType: sniffed, content: a.content };
  });
}
