import { createHash } from 'node:crypto';
import type { FxDesk, FxPurchaseRequest, FxPurchaseResult, FxSaleRequest } from '../../domain/fx-desk.js';

/**
 * The sandbox FX desk: fills every purchase at the agreed rate, except the
 * documented magic amount (a purchase of exactly 999999 minor units is
 * rejected, to test the failure path). Remembers its answers, so a repeated
 * purchase id answers the same.
 */
export const SANDBOX_FX_REJECT_BUY_MINOR = 999_999n;

export class SandboxFxDesk implements FxDesk {
  readonly name = 'sandbox-fx-desk';
  private readonly answers = new Map<string, FxPurchaseResult>();

  constructor(private readonly clock: () => number) {}

  async purchase(request: FxPurchaseRequest): Promise<FxPurchaseResult> {
    const earlier = this.answers.get(request.purchaseId);
    if (earlier) return earlier;
    const reference = `FXD${createHash('sha256').update(request.purchaseId).digest('hex').slice(0, 20).toUpperCase()}`;
    const result: FxPurchaseResult =
      request.buyMinor === SANDBOX_FX_REJECT_BUY_MINOR ? { outcome: 'rejected', reference, reason: 'DESK_REJECTED' } : { outcome: 'filled', reference, completedAtMs: this.clock() };
    this.answers.set(request.purchaseId, result);
    return result;
  }

  /** Sales back fill at the agreed rate, the magic amount excepted as for purchases. */
  async sell(request: FxSaleRequest): Promise<FxPurchaseResult> {
    const key = `sale:${request.saleId}`;
    const earlier = this.answers.get(key);
    if (earlier) return earlier;
    const reference = `FXS${createHash('sha256').update(request.saleId).digest('hex').slice(0, 20).toUpperCase()}`;
    const result: FxPurchaseResult =
      request.sellMinor === SANDBOX_FX_REJECT_BUY_MINOR ? { outcome: 'rejected', reference, reason: 'DESK_REJECTED' } : { outcome: 'filled', reference, completedAtMs: this.clock() };
    this.answers.set(key, result);
    return result;
  }
}
