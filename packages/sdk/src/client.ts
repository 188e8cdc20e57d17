/**
 * The merchant SDK: calls the gateway the way the PHP client does (signed
 * with the `'request'` rule, raw base64 body) and accepts only answers that
 * decrypt with the merchant key and verify against the gateway certificate.
 */

import type { KeyObject, X509Certificate } from 'node:crypto';

import { isAmountMinorString } from './amount.js';
import { errorFromAnswer, EnvelopeError, InvalidArgumentError, OpenCashierError } from './errors.js';
import { REQUEST_TIMEOUT_MS_DEFAULT } from './limits.js';
import { extractCiphertext, openEnvelope, sealRequest } from './payease/envelope.js';
import { headerValue, type HeaderSource } from './payease/headers.js';
import { rejectionSecretFor } from './payease/key-wrap.js';
import { loadCertificate, loadPfx, loadPrivateKey } from './payease/keys.js';
import { verifyPayload } from './payease/signature.js';
import { checkFxOrderState, checkSellBack } from './fx-checks.js';
import { CrossBorderApi } from './cross-border-api.js';
import { postText } from './post-text.js';
import { readKeyBundle, type KeyFiles } from './key-bundle.js';
import type {
  DeliveryRequest,
  DeliveryResponse,
  DisputeState,
  IccNotification,
  IccOrderRequest,
  IccOrderResponse,
  IccOrderState,
  IccQueryRequest,
  IccQueryResponse,
  PayEaseApi,
  PayEaseNotificationEvent,
  RefundRequest,
  RefundResponse,
  RefundState,
  RetrievalBackfillRequest,
  RetrievalBackfillResponse,
} from './types.js';
import type { BindCardRequest, BoundCard, OnlinePayOrderRequest, OnlinePayOrderResponse, OnlinePayOrderState } from './online-pay-types.js';

type CertificateBytes = Uint8Array | string;

interface CommonOptions {
  merchantId: string;
  /** The gateway's certificate (DER or PEM). Several during a key rotation: any one may verify; the first receives requests. */
  gatewayCertificate: CertificateBytes | readonly CertificateBytes[];
  /** E.g. `https://pay.example.com/v3`; API paths are appended to it. */
  baseUrl: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  /** Service-provider id, sent as the `partnerId` header when set. */
  partnerId?: string;
}

export type PayEaseClientOptions = CommonOptions &
  (
    | { pfx: Uint8Array; pfxPassword: string }
    | { privateKeyPem: string; certificate?: CertificateBytes }
  );

export class PayEaseClient {
  readonly merchantId: string;
  /** The merchant's own certificate, when the options provided one (always with a pfx). */
  readonly merchantCertificate: X509Certificate | undefined;
  readonly #privateKey: KeyObject;
  readonly #gatewayKeys: readonly KeyObject[];
  readonly #baseUrl: string;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;
  readonly #partnerId: string | undefined;
  readonly #rejectionSecret: Buffer;
  /** FX purchase orders, settlement, reconciliation files, customs declarations. */
  readonly crossBorder: CrossBorderApi;

  /**
   * A client from a key bundle: the JSON of `opencashier sandbox merchant --json`
   * or of `opencashier merchant create --issue-keys` (`{ merchantId, pfxPath,
   * pfxPassword, gatewayCertPath, baseUrl }`), the path of such a file, or the
   * path of the bundle the operator console hands out.
   */
  static fromFiles(files: KeyFiles | string, options: Partial<Pick<CommonOptions, 'fetch' | 'timeoutMs'>> = {}): PayEaseClient {
    return new PayEaseClient({ ...options, ...readKeyBundle(files) });
  }

  constructor(options: PayEaseClientOptions) {
    if (!/^[0-9A-Za-z_-]+$/.test(options.merchantId)) throw new InvalidArgumentError('merchantId is missing or malformed');
    this.merchantId = options.merchantId;
    if ('pfx' in options) {
      const { privateKey, certificate } = loadPfx(options.pfx, options.pfxPassword);
      this.#privateKey = privateKey;
      this.merchantCertificate = certificate;
    } else {
      this.#privateKey = loadPrivateKey(options.privateKeyPem);
      this.merchantCertificate = options.certificate === undefined ? undefined : loadCertificate(options.certificate);
      if (this.merchantCertificate !== undefined && !this.merchantCertificate.checkPrivateKey(this.#privateKey)) {
        throw new InvalidArgumentError('certificate does not belong to privateKeyPem');
      }
    }
    // Derived from the key: stable for as long as the key is, nothing extra to keep secret.
    this.#rejectionSecret = rejectionSecretFor(this.#privateKey);
    const gatewayCertificates = isCertificateList(options.gatewayCertificate) ? options.gatewayCertificate : [options.gatewayCertificate];
    if (gatewayCertificates.length === 0) throw new InvalidArgumentError('gatewayCertificate is required');
    this.#gatewayKeys = gatewayCertificates.map((bytes) => loadCertificate(bytes).publicKey);
    this.#baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    if (!URL.canParse(this.#baseUrl)) throw new InvalidArgumentError('baseUrl is not an absolute URL'); // fail now, not at the first payment
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
    if (!(this.#timeoutMs > 0)) throw new InvalidArgumentError('timeoutMs must be positive');
    this.#partnerId = options.partnerId;
    this.crossBorder = new CrossBorderApi((path, payload) => this.call(path, payload), this.merchantId);
  }

  /** Creates an international card order; on SUCCESS send the buyer to `redirectUrl`. */
  async createIccOrder(request: IccOrderRequest): Promise<IccOrderResponse> {
    checkAmount(request.orderAmount, 'orderAmount');
    request.productDetails?.forEach((detail, index) => checkAmount(detail.amount, `productDetails[${index}].amount`));
    if (typeof request.requestId !== 'string' || request.requestId === '') throw new InvalidArgumentError('requestId is required');
    return (await this.call('icc/order', { ...request })) as IccOrderResponse;
  }

  /**
   * The state of an order. Unlike other calls, an answer with status FAILED
   * *and* a `serialNumber` is returned, not thrown: it is the order that
   * failed, not the query. ERROR, or FAILED without an order, throws
   * `BusinessError`.
   */
  async queryIccOrder(request: IccQueryRequest): Promise<IccQueryResponse> {
    return this.#queryOrder('icc/query', request.requestId);
  }

  /**
   * Creates a unified order. With a `paymentModeCode` the answer says what
   * the payer must do (REDIRECT to a wallet or bank page, SUCCESS with a QR
   * code or wallet parameters); without one it redirects to the hosted
   * cashier, which lists the methods the merchant takes.
   */
  async createOnlinePayOrder(request: OnlinePayOrderRequest): Promise<OnlinePayOrderResponse> {
    checkAmount(request.orderAmount, 'orderAmount');
    request.productDetails?.forEach((detail, index) => checkAmount(detail.amount, `productDetails[${index}].amount`));
    if (typeof request.requestId !== 'string' || request.requestId === '') throw new InvalidArgumentError('requestId is required');
    return (await this.call('onlinePay/order', { ...request })) as OnlinePayOrderResponse;
  }

  /** The state of a unified order; as queryIccOrder, a FAILED order is returned, not thrown. */
  async queryOnlinePayOrder(request: { requestId: string }): Promise<OnlinePayOrderState> {
    return this.#queryOrder('onlinePay/query', request.requestId);
  }

  /** Saves a payer's card for express payments; binding the same card again answers the same `bindCardId`. */
  async bindCard(request: BindCardRequest): Promise<BoundCard> {
    return (await this.call('onlinePay/bindCard', { merchantId: this.merchantId, ...request })) as unknown as BoundCard;
  }

  /** The cards a merchant user has saved (active ones). */
  async queryBoundCards(request: { requestId: string; merchantUserId: string }): Promise<BoundCard[]> {
    const answer = await this.call('onlinePay/bindCardQuery', { merchantId: this.merchantId, ...request });
    return (answer['cards'] ?? []) as BoundCard[];
  }

  /** Removes a saved card; express payments with it are refused afterwards (BIND_CARD_NOT_FOUND). */
  async unbindCard(request: { requestId: string; merchantUserId: string; bindCardId: string }): Promise<BoundCard> {
    return (await this.call('onlinePay/unbindCard', { merchantId: this.merchantId, ...request })) as unknown as BoundCard;
  }

  async #queryOrder(path: string, requestId: string): Promise<IccOrderState> {
    const answer = await this.#exchange(path, { merchantId: this.merchantId, requestId });
    const status = answer['status'];
    if (status === 'ERROR' || (status === 'FAILED' && typeof answer['serialNumber'] !== 'string')) {
      throw errorFromAnswer({ kind: 'business', response: answer });
    }
    return checkOrderState(answer);
  }

  /**
   * Refunds (part of) a paid order. The answer's `status` is the refund's:
   * SUCCESS, FAILED (the channel refused; returned, not thrown) or
   * PROCESSING (its notification follows). Refusals of the request itself
   * (amount beyond what is refundable, unpaid order…) throw `BusinessError`.
   */
  async refund(request: RefundRequest, api: PayEaseApi = 'icc'): Promise<RefundResponse> {
    if (typeof request.requestId !== 'string' || request.requestId === '') throw new InvalidArgumentError('requestId is required');
    if (typeof request.orderId !== 'string' || request.orderId === '') throw new InvalidArgumentError('orderId (the order serialNumber) is required');
    if (request.amount !== undefined && request.amount !== '') checkAmount(request.amount, 'amount');
    const answer = await this.call(`${api}/refund`, { merchantId: this.merchantId, ...request });
    checkAmountFields(answer, ['amount']);
    return answer as RefundResponse;
  }

  /** A refund's details by the refund's requestId. */
  async queryRefund(request: { requestId: string }, api: PayEaseApi = 'icc'): Promise<RefundState> {
    const answer = await this.call(`${api}/refundQuery`, { merchantId: this.merchantId, requestId: request.requestId });
    checkAmountFields(answer, ['amount', 'orderAmount']);
    return answer as RefundState;
  }

  /** Cancels an unpaid order by its requestId; answers the order (status CANCEL). A paid order throws `BusinessError` ORDER_NOT_CANCELLABLE. */
  async cancelOrder(request: { requestId: string }, api: PayEaseApi = 'icc'): Promise<IccOrderState> {
    return checkOrderState(await this.call(`${api}/cancelOrder`, { merchantId: this.merchantId, requestId: request.requestId }));
  }

  /** Any other API: signs, sends, verifies; FAILED or ERROR answers throw `BusinessError`. */
  async call(path: string, payload: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const answer = await this.#exchange(path, payload);
    // As in queryIccOrder: a FAILED answer that carries an order (serialNumber) is that order's state, not a refusal.
    const status = answer['status'];
    if (status === 'ERROR' || (status === 'FAILED' && typeof answer['serialNumber'] !== 'string')) throw errorFromAnswer({ kind: 'business', response: answer });
    return answer;
  }

  /**
   * Opens and verifies a notification posted to `notifyUrl`. Throws
   * `EnvelopeError` if it does not decrypt and `SignatureVerificationError`
   * if it is not signed by the gateway; answer anything but `SUCCESS` then.
   */
  parseNotification(headers: HeaderSource, body: string | Uint8Array): IccNotification {
    const encryptKey = headerValue(headers, 'encryptKey');
    if (encryptKey === undefined) throw new EnvelopeError();
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    return checkOrderState(this.#openVerified(encryptKey, text, undefined));
  }

  /**
   * Opens and verifies any notification: an order's, a refund's, a
   * chargeback's or a retrieval request's, and an FX purchase order's
   * (PAYMENT, REVIEW, FOREIGN_EXCHANGE, FOREIGN_EXCHANGE_REFUND). Same
   * checks as parseNotification; an unknown notifyType throws.
   */
  parseNotificationEvent(headers: HeaderSource, body: string | Uint8Array): PayEaseNotificationEvent {
    const encryptKey = headerValue(headers, 'encryptKey');
    if (encryptKey === undefined) throw new EnvelopeError();
    const payload = this.#openVerified(encryptKey, typeof body === 'string' ? body : Buffer.from(body).toString('utf8'), undefined);
    switch (payload['notifyType']) {
      case undefined:
        return { type: 'ORDER', order: checkOrderState(payload) };
      case 'REFUND':
        checkAmountFields(payload, ['amount', 'orderAmount']);
        return { type: 'REFUND', refund: payload as RefundState };
      case 'CHARGEBACK':
      case 'RETRIEVAL':
        checkAmountFields(payload, ['disputeAmount', 'orderAmount']);
        if (typeof payload['disputeId'] !== 'string') throw new OpenCashierError('dispute notification lacks disputeId');
        return { type: payload['notifyType'], dispute: payload as DisputeState };
      case 'PAYMENT':
      case 'REVIEW':
      case 'FOREIGN_EXCHANGE':
        return { type: payload['notifyType'], fxOrder: checkFxOrderState(payload) };
      case 'FOREIGN_EXCHANGE_REFUND':
        return { type: 'FOREIGN_EXCHANGE_REFUND', fxOrder: checkFxOrderState(payload), sellBack: checkSellBack(payload['sellBack']) };
      default:
        throw new OpenCashierError(`unknown notifyType ${String(payload['notifyType'])}`);
    }
  }

  /**
   * Answers a retrieval request (or defends a chargeback) with evidence:
   * accepted once per stage, while the case is OPEN and before `respondBy`.
   * Refusals throw `BusinessError` (DISPUTE_CLOSED, DISPUTE_DEADLINE_PASSED,
   * DISPUTE_ALREADY_ANSWERED, ATTACHMENT_TOO_LARGE, ATTACHMENT_TYPE_NOT_ALLOWED…).
   */
  async submitRetrievalBackfill(request: RetrievalBackfillRequest): Promise<RetrievalBackfillResponse> {
    if (!request.disputeId && !request.serialNumber) throw new InvalidArgumentError('disputeId or serialNumber is required');
    const answer = await this.call('icc/retrieval/backfill', { merchantId: this.merchantId, ...request });
    checkAmountFields(answer, ['disputeAmount', 'orderAmount']);
    return answer as RetrievalBackfillResponse;
  }

  /** A dispute case by its id, or the latest case of an order by the order's serialNumber. */
  async queryDispute(request: { disputeId: string } | { serialNumber: string }): Promise<DisputeState> {
    const answer = await this.call('icc/disputeQuery', { merchantId: this.merchantId, ...request });
    checkAmountFields(answer, ['disputeAmount', 'orderAmount']);
    if (typeof answer['disputeId'] !== 'string') throw new OpenCashierError('gateway answer lacks disputeId');
    return answer as DisputeState;
  }

  /**
   * Confirms shipment or delivery of a paid order (by `requestId` or
   * `serialNumber`). Sending the same confirmation again answers the same;
   * different details for a status already confirmed throw `BusinessError`
   * DELIVERY_CONFLICT, an unpaid order DELIVERY_NOT_ALLOWED.
   */
  async confirmDelivery(request: DeliveryRequest): Promise<DeliveryResponse> {
    if (!request.requestId && !request.serialNumber) throw new InvalidArgumentError('requestId or serialNumber (of the order) is required');
    if (!Array.isArray(request.trackingNumbers) || request.trackingNumbers.length === 0) throw new InvalidArgumentError('trackingNumbers needs at least one tracking number');
    return (await this.call('icc/delivery', { merchantId: this.merchantId, ...request })) as DeliveryResponse;
  }

  async #exchange(path: string, payload: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const sealed = sealRequest({
      payload,
      merchantId: this.merchantId,
      signingKey: this.#privateKey,
      recipient: this.#gatewayKeys[0]!,
      ...(this.#partnerId === undefined ? {} : { partnerId: this.#partnerId }),
    });
    const url = new URL(path.replace(/^\/+/, ''), this.#baseUrl);
    const { text, headers } = await postText(url, { fetch: this.#fetch, timeoutMs: this.#timeoutMs, headers: { ...sealed.headers }, body: sealed.body });
    const encryptKey = headers.get('encryptKey');
    if (encryptKey === null) throw new EnvelopeError();
    return this.#openVerified(encryptKey, text, sealed.headers.requestId);
  }

  #openVerified(encryptKey: string, body: string, requestId: string | undefined): Record<string, unknown> {
    const { payload } = openEnvelope({
      encryptKey,
      ciphertext: extractCiphertext(body),
      privateKey: this.#privateKey,
      rejectionSecret: this.#rejectionSecret,
    });
    if (!verifyPayload(payload, this.#gatewayKeys)) {
      throw errorFromAnswer({ kind: 'signature', reason: 'hmac does not verify against the gateway certificate' });
    }
    // A validly signed answer can still be replayed in the wrong place; the signed ids say where it belongs.
    if (typeof payload['merchantId'] === 'string' && payload['merchantId'] !== this.merchantId) {
      throw errorFromAnswer({ kind: 'signature', reason: 'signed answer is for another merchant' });
    }
    if (requestId !== undefined && typeof payload['requestId'] === 'string' && payload['requestId'] !== requestId) {
      throw errorFromAnswer({ kind: 'signature', reason: 'signed answer is for another request' });
    }
    return payload;
  }
}

function isCertificateList(value: CertificateBytes | readonly CertificateBytes[]): value is readonly CertificateBytes[] {
  return Array.isArray(value);
}

function checkAmount(value: unknown, field: string): void {
  if (!isAmountMinorString(value)) {
    throw new InvalidArgumentError(`${field} must be a string of integer minor units, e.g. "12345" for 123.45`);
  }
}

function checkAmountFields(payload: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    const value = payload[field];
    if (value !== undefined && !isAmountMinorString(value)) throw new OpenCashierError(`gateway answer has a malformed ${field}`);
  }
}

/** Money is checked when read as when written: a verified answer with a malformed amount is a gateway fault. */
function checkOrderState(payload: Record<string, unknown>): IccOrderState {
  for (const field of ['requestId', 'status'] as const) {
    if (typeof payload[field] !== 'string') throw new OpenCashierError(`gateway answer lacks ${field}`);
  }
  for (const field of ['orderAmount', 'totalRefundAmount', 'feeAmount'] as const) {
    const value = payload[field];
    if (value !== undefined && !isAmountMinorString(value)) throw new OpenCashierError(`gateway answer has a malformed ${field}`);
  }
  return payload as IccOrderState;
}
