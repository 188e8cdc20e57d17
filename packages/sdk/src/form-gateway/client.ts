/**
 * The server-side calls of the form gateway: the anti-phishing time stamp a
 * shop puts in each order form, and offline remittance orders, which the
 * shop's server submits and the gateway answers in signed XML. (Payments
 * themselves are browser forms: build them with `signFormRequest`.)
 */
import { MalformedInputError, BusinessError, SignatureVerificationError } from '../errors.js';
import { REQUEST_TIMEOUT_MS_DEFAULT } from '../limits.js';
import { postText } from '../post-text.js';
import { parseFlatXml } from './flat-xml.js';
import {
  FORM_ORDER_QUERY_ANSWER_FIELDS, FORM_ORDER_QUERY_FIELDS, FORM_REFUND_ANSWER_FIELDS, FORM_REFUND_FIELDS, FORM_REFUND_QUERY_FIELDS,
  FORM_RESEND_ANSWER_FIELDS, FORM_RESEND_FIELDS, FORM_RESULT_SUCCESS,
} from './field-order.js';
import { signFormRequest, verifyRemittanceAnswer } from './merchant.js';
import { formSign, verifyFormSign, type FormFields, type FormSigner, type FormVerifier } from './signature.js';

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

  /** An order as the gateway has it (`payResult` empty while it is not final). */
  async queryOrder(orderId: string): Promise<Record<string, string>> {
    return this.call('form-gateway/query', FORM_ORDER_QUERY_FIELDS, FORM_ORDER_QUERY_ANSWER_FIELDS, { orderId });
  }

  /** Refunds `refundAmount` fen of a paid order (all that is left without it); `refundId` is the shop's idempotency key. */
  async refund(request: { orderId: string; refundId: string; refundAmount?: string }): Promise<Record<string, string>> {
    return this.call('form-gateway/refund', FORM_REFUND_FIELDS, FORM_REFUND_ANSWER_FIELDS, request);
  }

  async queryRefund(refundId: string): Promise<Record<string, string>> {
    return this.call('form-gateway/refundQuery', FORM_REFUND_QUERY_FIELDS, FORM_REFUND_ANSWER_FIELDS, { refundId });
  }

  /** 自助补发: has the order's result sent to bgUrl again now. */
  async resendResult(orderId: string): Promise<Record<string, string>> {
    return this.call('form-gateway/resend', FORM_RESEND_FIELDS, FORM_RESEND_ANSWER_FIELDS, { orderId });
  }

  /**
   * A server call: signed over its field order, answered in XML. A refusal
   * (`requestResult` 11) throws `BusinessError` with the errCode; an answer
   * is returned only when its signMsg verifies.
   */
  private async call(path: string, signed: readonly string[], answerFields: readonly string[], fields: FormFields): Promise<Record<string, string>> {
    const form: Record<string, string> = { inputCharset: '1', version: 'v2.0', signType: this.options.signer.signType, merchantAcctId: this.options.merchantAcctId };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) form[k] = v;
    form.signMsg = formSign(form, signed, this.options.signer);
    const { text } = await postText(this.url(path), {
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const answer = parseFlatXml(text);
    if (!answer) throw new MalformedInputError('answer is not the gateway XML');
    if (answer.requestResult !== FORM_RESULT_SUCCESS) throw new BusinessError('FAILED', answer.errCode, undefined, answer);
    if (!verifyFormSign(answer, answerFields, answer.signMsg, this.options.verifier)) throw new SignatureVerificationError('answer signMsg does not verify');
    return answer;
  }

  private url(path: string): URL {
    const base = this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`;
    return new URL(path, base);
  }
}
