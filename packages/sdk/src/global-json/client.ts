/**
 * A merchant client for the flat-JSON card API: signs requests with the app
 * secret, accepts only answers whose `result.sign` verifies, and checks
 * notifications the same way.
 */
import { BusinessError, InvalidArgumentError, MalformedInputError, SignatureVerificationError } from '../errors.js';
import { REQUEST_TIMEOUT_MS_DEFAULT } from '../limits.js';
import { postText } from '../post-text.js';
import { signGlobalJson, verifyGlobalJsonSign } from './signature.js';
import type {
  GlobalAnswer,
  GlobalNotification,
  GlobalPayCreditRequest,
  GlobalPayCreditResult,
  GlobalQueryRequest,
  GlobalQueryResult,
  GlobalRefundRequest,
  GlobalRefundResult,
} from './types.js';

/** What the merchant answers a notification with once it has processed it. */
export const GLOBAL_JSON_NOTIFY_ACK = 'success';

export interface GlobalJsonClientOptions {
  /** The gateway's base URL; `/global/...` paths are appended. */
  baseUrl: string;
  mchid: string;
  appid: string;
  /** The app secret (`opencashier app-secret issue`); several during a rotation, the first signs. */
  secret: string | readonly string[];
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

export class GlobalJsonClient {
  readonly #secrets: readonly string[];
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;

  constructor(private readonly options: GlobalJsonClientOptions) {
    this.#secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
    if (this.#secrets.length === 0 || this.#secrets.some((s) => s === '')) throw new InvalidArgumentError('secret is missing');
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
  }

  payCredit(request: GlobalPayCreditRequest): Promise<GlobalPayCreditResult> {
    return this.call('/global/pay/credit', { ...request });
  }

  query(request: GlobalQueryRequest): Promise<GlobalQueryResult> {
    return this.call('/global/order/query', { ...request });
  }

  refund(request: GlobalRefundRequest): Promise<GlobalRefundResult> {
    return this.call('/global/refund', { ...request });
  }

  /** The signed request body for `fields` (for tests and for callers with their own HTTP stack). */
  signedBody(fields: Record<string, unknown>): Record<string, unknown> {
    return signGlobalJson({ mchid: this.options.mchid, appid: this.options.appid, ...fields }, this.#secrets[0]!);
  }

  /**
   * A notification body as received; throws `SignatureVerificationError`
   * unless its `sign` verifies. Answer the gateway with `GLOBAL_JSON_NOTIFY_ACK`.
   */
  verifyNotification(body: string): GlobalNotification {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new MalformedInputError('notification is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MalformedInputError('notification is not a JSON object');
    if (!verifyGlobalJsonSign(parsed as Record<string, unknown>, this.#secrets)) throw new SignatureVerificationError('notification sign does not verify');
    return parsed as GlobalNotification;
  }

  private async call<T>(path: string, fields: Record<string, unknown>): Promise<T> {
    const url = new URL(path.replace(/^\/+/, ''), this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    const { text } = await postText(url, {
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.signedBody(fields)),
    });
    let answer: GlobalAnswer<Record<string, unknown>>;
    try {
      answer = JSON.parse(text) as GlobalAnswer<Record<string, unknown>>;
    } catch {
      throw new MalformedInputError('answer is not JSON');
    }
    if (answer.success !== true || answer.code !== '0' || !answer.result) {
      throw new BusinessError('FAILED', String(answer.code), typeof answer.message === 'string' ? answer.message : undefined, answer as unknown as Record<string, unknown>);
    }
    if (!verifyGlobalJsonSign(answer.result, this.#secrets)) throw new SignatureVerificationError('answer sign does not verify');
    return answer.result as T;
  }
}
