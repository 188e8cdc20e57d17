import { createHash } from 'node:crypto';
import type { CustomsDeclarationRequest, CustomsDeclarationResult, CustomsOffice } from '../../domain/customs.js';

/** The office code whose declarations the sandbox rejects, to test the failure path. */
export const SANDBOX_CUSTOMS_REJECT_CODE = 'SANDBOXREJECT';

/** The sandbox customs office: accepts every declaration at once (the magic office code excepted), the same answer for the same id. */
export class SandboxCustomsOffice implements CustomsOffice {
  readonly name = 'sandbox-customs';
  private readonly answers = new Map<string, CustomsDeclarationResult>();

  constructor(private readonly clock: () => number) {}

  async declare(request: CustomsDeclarationRequest): Promise<CustomsDeclarationResult> {
    const earlier = this.answers.get(request.declarationId);
    if (earlier) return earlier;
    const reference = `CUS${createHash('sha256').update(request.declarationId).digest('hex').slice(0, 20).toUpperCase()}`;
    const result: CustomsDeclarationResult =
      request.customsCode === SANDBOX_CUSTOMS_REJECT_CODE
        ? { outcome: 'rejected', reference, reason: 'CUSTOMS_REJECTED', completedAtMs: this.clock() }
        : { outcome: 'accepted', reference, completedAtMs: this.clock() };
    this.answers.set(request.declarationId, result);
    return result;
  }
}
