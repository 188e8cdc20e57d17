import type { DisputeStage } from './dispute.js';

/**
 * What a merchant answers a dispute with (the seed's 调单回填): how the goods
 * reached the cardholder, who the cardholder is, what was sold, a statement,
 * and documents. Kept as submitted, one record per answer.
 */
export interface EvidenceDetails {
  logisticsCompany?: string;
  trackingNumbers: string[];
  /** yyyy-MM-dd. */
  deliveryDate?: string;
  customerName: string;
  customerEmail: string;
  customerPhone?: string;
  customerIp?: string;
  productDescription: string;
  statement: string;
}

export interface EvidenceAttachment {
  name: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  /** Where the attachment store keeps the file; never inside the row. */
  storagePath: string;
}

export interface DisputeEvidence {
  evidenceId: string;
  disputeId: string;
  /** The stage the answer was given in. */
  stage: DisputeStage;
  requestId: string | null;
  requestDigest: string;
  details: EvidenceDetails;
  attachments: EvidenceAttachment[];
  submittedAtMs: number;
}
