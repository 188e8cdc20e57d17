import type { Dispute, DisputeEvent } from '../domain/dispute.js';
import type { DisputeEvidence } from '../domain/dispute-evidence.js';

/** A case for operators (admin API and CLI): amounts as strings of minor units, times as ISO 8601 UTC. */
export function disputeJson(d: Dispute): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    disputeId: d.disputeId,
    orderId: d.orderId,
    merchantId: d.merchantId,
    stage: d.stage,
    status: d.status,
    reasonCode: d.reasonCode,
    reasonText: d.reasonText,
    amountMinor: d.amountMinor.toString(),
    currency: d.currency,
    heldMinor: d.heldMinor.toString(),
    acquirerReference: d.acquirerReference,
    openedAt: iso(d.openedAtMs),
    respondBy: iso(d.respondByMs),
    evidenceSubmittedAt: iso(d.evidenceSubmittedAtMs),
    closedAt: iso(d.closedAtMs),
    version: d.version,
  };
}

export function disputeEventJson(e: DisputeEvent): Record<string, unknown> {
  return { actor: e.actor.kind, actorName: e.actor.name ?? null, from: e.fromStage ? `${e.fromStage}/${e.fromStatus}` : null, to: `${e.toStage}/${e.toStatus}`, note: e.note, at: new Date(e.atMs).toISOString() };
}

export function evidenceJson(e: DisputeEvidence): Record<string, unknown> {
  return {
    evidenceId: e.evidenceId,
    stage: e.stage,
    requestId: e.requestId,
    submittedAt: new Date(e.submittedAtMs).toISOString(),
    ...e.details,
    attachments: e.attachments.map((a) => ({ name: a.name, contentType: a.contentType, sizeBytes: a.sizeBytes, sha256: a.sha256 })),
  };
}
