/**
 * The SDK's error hierarchy. Callers branch on the class (or on `type`,
 * which survives serialization); `errorFromAnswer` picks the class from what
 * the gateway or the network answered, so every caller classifies the same way.
 */

import { HTTP_ERROR_BODY_EXCERPT_CHARS_MAX } from './limits.js';

export class OpenCashierError extends Error {
  /** Stable name of the class, for logs and for code that cannot use instanceof. */
  readonly type: string = 'OpenCashierError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller passed something the protocol cannot carry (a float amount, a short secret). */
export class InvalidArgumentError extends OpenCashierError {
  override readonly type: string = 'InvalidArgumentError';
}

/** A payload cannot be turned into the canonical signing string (too deep, unsupported value). */
export class CanonicalError extends OpenCashierError {
  override readonly type: string = 'CanonicalError';
}

/** Input that is not even shaped right (bad base64, wrong ciphertext length). Not secret-dependent. */
export class MalformedInputError extends OpenCashierError {
  override readonly type: string = 'MalformedInputError';
}

/** Key or certificate material that cannot be read. */
export class KeyFormatError extends OpenCashierError {
  override readonly type: string = 'KeyFormatError';
}

/** The PKCS#12 password is wrong (MAC or decryption failed). */
export class PfxPasswordError extends KeyFormatError {
  override readonly type: string = 'PfxPasswordError';
  constructor() {
    super('PKCS#12 file could not be opened: wrong password');
  }
}

/**
 * Any failure to open an encrypted envelope. The message is fixed and no
 * cause is attached: telling a sender *why* decryption failed (key unwrap,
 * padding, JSON) is exactly the oracle the Marvin and padding attacks need.
 */
export class EnvelopeError extends OpenCashierError {
  override readonly type: string = 'EnvelopeError';
  static readonly MESSAGE = 'envelope could not be opened';
  constructor() {
    super(EnvelopeError.MESSAGE);
  }
}

/** The `hmac` of a response or notification does not verify against the gateway certificate. */
export class SignatureVerificationError extends OpenCashierError {
  override readonly type: string = 'SignatureVerificationError';
}

/** The gateway answered with a non-2xx HTTP status (PayEase answers business failures with 200). */
export class HttpError extends OpenCashierError {
  override readonly type: string = 'HttpError';
  constructor(
    readonly status: number,
    /** The start of the body, for diagnosis; never the whole of it. */
    readonly bodyExcerpt: string,
  ) {
    super(`gateway answered HTTP ${status}`);
  }
}

export type BusinessStatus = 'FAILED' | 'ERROR';

/** A verified answer whose `status` is FAILED or ERROR. */
export class BusinessError extends OpenCashierError {
  override readonly type: string = 'BusinessError';
  constructor(
    readonly status: BusinessStatus,
    readonly code: string | undefined,
    readonly errorMessage: string | undefined,
    /** The whole verified answer, hmac included. */
    readonly response: Readonly<Record<string, unknown>>,
  ) {
    super(`gateway answered ${status}${code === undefined ? '' : ` ${code}`}${errorMessage === undefined ? '' : `: ${errorMessage}`}`);
  }
}

/** The request did not get an answer: DNS, refused connection, reset, timeout. */
export class ConnectionError extends OpenCashierError {
  override readonly type: string = 'ConnectionError';
  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What came back from an exchange that did not succeed, as `errorFromAnswer` classifies it. */
export type FailedAnswer =
  | { kind: 'http'; status: number; body: string }
  | { kind: 'business'; response: Readonly<Record<string, unknown>> }
  | { kind: 'connection'; cause: unknown; timedOut: boolean }
  | { kind: 'signature'; reason: string };

/** Chooses the error class for a failed exchange (stripe-node's `StripeError.generate`). */
export function errorFromAnswer(answer: FailedAnswer): OpenCashierError {
  switch (answer.kind) {
    case 'http':
      return new HttpError(answer.status, excerpt(answer.body));
    case 'business': {
      const { response } = answer;
      const status = response['status'] === 'ERROR' ? 'ERROR' : 'FAILED';
      return new BusinessError(status, stringOrUndefined(response['code']), stringOrUndefined(response['errorMessage']), response);
    }
    case 'connection':
      return new ConnectionError(
        answer.timedOut ? 'gateway did not answer in time' : 'could not reach the gateway',
        answer.timedOut,
        { cause: answer.cause },
      );
    case 'signature':
      return new SignatureVerificationError(answer.reason);
  }
}

function excerpt(body: string): string {
  const max = HTTP_ERROR_BODY_EXCERPT_CHARS_MAX;
  return body.length <= max ? body : `${body.slice(0, max)}…`;
}

function stringOrUndefined(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
