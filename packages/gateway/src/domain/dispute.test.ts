import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DISPUTE_OUTCOMES, DISPUTE_STAGES, DISPUTE_STATUSES, nextStage, planDecision, planEscalation, planEvidence, planExpiry, planOpen, type Dispute, type DisputeStage, type DisputeStatus } from './dispute.js';
import { GatewayError } from './errors.js';
import { sniffAttachmentType, checkAttachments } from './attachment.js';
import { ATTACHMENT_BYTES_MAX } from './limits.js';

type CaseState = Pick<Dispute, 'stage' | 'status' | 'heldMinor'>;

/** The money a case holds in each state, as the gateway keeps it: chargeback stages hold unless won or reversed. */
function held(stage: DisputeStage, status: DisputeStatus): bigint {
  return stage === 'RETRIEVAL' || status === 'WON' || status === 'REVERSED' ? 0n : 100n;
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof GatewayError) return e.code;
    throw e;
  }
}

describe('dispute state machine', () => {
  it('opening: chargebacks hold, retrieval requests do not', () => {
    expect(planOpen('CHARGEBACK')).toEqual({ stage: 'CHARGEBACK', status: 'OPEN', money: 'hold' });
    expect(planOpen('RETRIEVAL')).toEqual({ stage: 'RETRIEVAL', status: 'OPEN', money: 'none' });
  });

  it('evidence is taken only while OPEN, once', () => {
    for (const stage of DISPUTE_STAGES) {
      for (const status of DISPUTE_STATUSES) {
        const code = codeOf(() => planEvidence({ stage, status }));
        expect(code).toBe(status === 'OPEN' ? undefined : status === 'EVIDENCE_SUBMITTED' ? 'DISPUTE_ALREADY_ANSWERED' : 'DISPUTE_CLOSED');
      }
    }
  });

  it('decisions: only open cases; a retrieval request can only be closed as WON; money follows the outcome', () => {
    for (const stage of DISPUTE_STAGES) {
      for (const status of DISPUTE_STATUSES) {
        for (const outcome of DISPUTE_OUTCOMES) {
          const state: CaseState = { stage, status, heldMinor: held(stage, status) };
          const open = status === 'OPEN' || status === 'EVIDENCE_SUBMITTED';
          const allowed = open && (stage === 'RETRIEVAL' ? outcome === 'WON' : outcome !== 'ACCEPTED' || status === 'OPEN');
          if (!allowed) {
            expect(codeOf(() => planDecision(state, outcome)), `${stage}/${status} → ${outcome}`).toBe('DISPUTE_TRANSITION_INVALID');
            continue;
          }
          const change = planDecision(state, outcome);
          expect(change.status).toBe(outcome);
          expect(change.money).toBe(stage === 'RETRIEVAL' ? 'none' : outcome === 'WON' || outcome === 'REVERSED' ? 'release' : 'take');
        }
      }
    }
  });

  it('escalation: retrieval → chargeback from anywhere, chargeback → pre-arbitration only after a defence; holds again only what was released', () => {
    for (const stage of DISPUTE_STAGES) {
      for (const status of DISPUTE_STATUSES) {
        const state: CaseState = { stage, status, heldMinor: held(stage, status) };
        const next = nextStage(state);
        for (const to of DISPUTE_STAGES) {
          if (to !== next) {
            expect(codeOf(() => planEscalation(state, to))).toBe('DISPUTE_TRANSITION_INVALID');
            continue;
          }
          expect(planEscalation(state, to)).toEqual({ stage: to, status: 'OPEN', money: state.heldMinor > 0n ? 'none' : 'hold' });
        }
      }
    }
    expect(nextStage({ stage: 'CHARGEBACK', status: 'LOST' })).toBeUndefined();
    expect(nextStage({ stage: 'PRE_ARBITRATION', status: 'EVIDENCE_SUBMITTED' })).toBeUndefined();
  });

  it('expiry: OPEN cases only; an expired chargeback leaves the money taken', () => {
    expect(planExpiry({ stage: 'CHARGEBACK', status: 'OPEN' })).toEqual({ stage: 'CHARGEBACK', status: 'EXPIRED', money: 'take' });
    expect(planExpiry({ stage: 'RETRIEVAL', status: 'OPEN' }).money).toBe('none');
    expect(codeOf(() => planExpiry({ stage: 'CHARGEBACK', status: 'EVIDENCE_SUBMITTED' }))).toBe('DISPUTE_TRANSITION_INVALID');
  });

  it('any sequence of allowed changes keeps the money consistent: held exactly while a chargeback stage is not won or reversed', () => {
    type Step = { kind: 'evidence' } | { kind: 'decide'; outcome: (typeof DISPUTE_OUTCOMES)[number] } | { kind: 'escalate' } | { kind: 'expire' };
    const step = fc.oneof(
      fc.constant<Step>({ kind: 'evidence' }),
      fc.constantFrom(...DISPUTE_OUTCOMES).map((outcome): Step => ({ kind: 'decide', outcome })),
      fc.constant<Step>({ kind: 'escalate' }),
      fc.constant<Step>({ kind: 'expire' }),
    );
    fc.assert(
      fc.property(fc.constantFrom<DisputeStage>('RETRIEVAL', 'CHARGEBACK'), fc.array(step, { maxLength: 12 }), (first, steps) => {
        let c = planOpen(first);
        let state: CaseState = { stage: c.stage, status: c.status, heldMinor: c.money === 'hold' ? 100n : 0n };
        for (const s of steps) {
          try {
            if (s.kind === 'evidence') c = planEvidence(state);
            else if (s.kind === 'decide') c = planDecision(state, s.outcome);
            else if (s.kind === 'expire') c = planExpiry(state);
            else c = planEscalation(state, nextStage(state) ?? 'PRE_ARBITRATION');
          } catch (e) {
            if (e instanceof GatewayError) continue; // refused: nothing changes
            throw e;
          }
          if (c.money === 'hold') expect(state.heldMinor).toBe(0n);
          if (c.money === 'release' || c.money === 'take') expect(state.heldMinor).toBe(100n);
          state = { stage: c.stage, status: c.status, heldMinor: c.money === 'hold' ? 100n : c.money === 'release' ? 0n : state.heldMinor };
          expect(state.heldMinor).toBe(held(state.stage, state.status));
        }
      }),
    );
  });
});

describe('attachments', () => {
  const pdf = Buffer.from('%PDF-1.7 rest');
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);

  it('knows PDF, PNG and JPEG by their first bytes, and nothing else', () => {
    expect([pdf, png, jpeg].map(sniffAttachmentType)).toEqual(['application/pdf', 'image/png', 'image/jpeg']);
    expect(sniffAttachmentType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.from('%PD'))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.alloc(0))).toBeUndefined();
  });

  it('believes a declared type only when the content agrees; image/jpg is JPEG', () => {
    expect(checkAttachments([{ name: 'a.jpg', declaredType: 'image/jpg', content: jpeg }])[0]!.contentType).toBe('image/jpeg');
    expect(codeOf(() => checkAttachments([{ name: 'a.pdf', declaredType: 'application/pdf', content: png }]))).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    expect(codeOf(() => checkAttachments([{ name: 'a.pdf', declaredType: 'application/pdf', content: Buffer.concat([pdf, Buffer.alloc(ATTACHMENT_BYTES_MAX)]) }]))).toBe('ATTACHMENT_TOO_LARGE');
  });
});
