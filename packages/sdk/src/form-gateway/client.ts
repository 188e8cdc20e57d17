/**
 * The server-side calls of the form gateway: the anti-phishing time stamp a
 * shop puts in each order form, and offline remittance orders, which the
 * shop's server submits and the gateway answers in signed XML. (Payments
 * themselves are browser forms: build them with `signFormRequest`.)
 */
import { MalformedInputError, BusinessError } from '../errors.js';
import { REQUEST_TIMEOUT_MS_DEFAULT } from '../limits.js';
import { postText } from '../post-text.js';
import { parseFlatXml } from './flat-xml.js';
import { FORM_RESULT_SUCCESS } from './field-order.js';
import { signFormRequest, verifyRemittanceAnswer } from './merchant.js';
import type { FormFields, FormSigner, FormVerifier } from './signature.js';

export interface FormGatewayClientOptions {
  /** The gateway's base URL. */
  baseUrl: string;
  merchantAcctId: string;
  /** Signs submitted forms: the account's MD5 key (signType 1) or the merchant's private key (4). */
  signer: FormSigner;
  /** Verifies answers: the same MD5 key(s), or the gateway certificate's public key. */
  verifier: FormVerifier;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

export class FormGatewayClient {
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;

  constructor(private readonly options: FormGatewayClientOptions) {
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
  }

  /** The gateway's time stamp (`yyyyMMddHHmmss`, Beijing time) for `orderTimestamp`. */
  async timestamp(): Promise<string> {
    const url = this.url(`form-gateway/timestamp?merchantAcctId=${encodeURIComponent(this.options.merchantAcctId)}`);
    const response = await this.#fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs), redirect: 'error' });
    const answer = parseFlatXml(await response.text());
    if (!answer) throw new MalformedInputError('time stamp answer is not the gateway XML');
    if (!answer.timestamp) throw new BusinessError('FAILED', answer.errCode, undefined, answer);
    return answer.timestamp;
  }

  /**
   * Submits an offline remittance order (payType 13, submitType 01 are set
   * here) and returns the verified answer; `requestResult` 11 throws
   * `BusinessError` with the errCode.
   */
  async submitRemittance(fields: FormFields): Promise<Record<string, string>> {
    const form = signFormRequest({ inputCharset: '1', ...fields, merchantAcctId: this.options.merchantAcctId, payType: '13', submitType: '01' }, this.options.signer);
    const { text } = await postText(this.url('form-gateway/pay'), {
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const answer = verifyRemittanceAnswer(text, this.options.verifier);
    if (answer.requestResult !== FORM_RESULT_SUCCESS) throw new BusinessError('FAILED', answer.errCode, undefined, answer);
    return answer;
  }

  private url(path: string): URL {
    const base = this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`;
    return new URL(path, base);
  }
}
