import { describe, expect, it } from 'vitest';

import {
  BusinessError,
  ConnectionError,
  EnvelopeError,
  errorFromAnswer,
  HttpError,
  KeyFormatError,
  OpenCashierError,
  PfxPasswordError,
  SignatureVerificationError,
} from './errors.js';
import { HTTP_ERROR_BODY_EXCERPT_CHARS_MAX } from './limits.js';

describe('errorFromAnswer', () => {
  it('picks HttpError with a bounded excerpt of the body', () => {
    const error = errorFromAnswer({ kind: 'http', status: 502, body: 'x'.repeat(10_000) });
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(502);
    expect((error as HttpError).bodyExcerpt.length).toBe(HTTP_ERROR_BODY_EXCERPT_CHARS_MAX + 1);
    expect(error.message).toBe('gateway answered HTTP 502');
  });

  it('picks BusinessError with status, code and message', () => {
    const response = { status: 'FAILED', code: 'E001', errorMessage: 'amount too small', hmac: 'h' };
    const error = errorFromAnswer({ kind: 'business', response }) as BusinessError;
    expect(error).toBeInstanceOf(BusinessError);
    expect([error.status, error.code, error.errorMessage, error.response]).toEqual(['FAILED', 'E001', 'amount too small', response]);
    expect(error.message).toBe('gateway answered FAILED E001: amount too small');
    expect((errorFromAnswer({ kind: 'business', response: { status: 'ERROR' } }) as BusinessError).status).toBe('ERROR');
  });

  it('picks ConnectionError and SignatureVerificationError', () => {
    const cause = new Error('ECONNREFUSED');
    const connection = errorFromAnswer({ kind: 'connection', cause, timedOut: false }) as ConnectionError;
    expect(connection).toBeInstanceOf(ConnectionError);
    expect([connection.timedOut, connection.cause]).toEqual([false, cause]);
    expect(errorFromAnswer({ kind: 'connection', cause, timedOut: true }).message).toMatch(/in time/);
    expect(errorFromAnswer({ kind: 'signature', reason: 'bad' })).toBeInstanceOf(SignatureVerificationError);
  });

  it('keeps one hierarchy with stable names', () => {
    for (const error of [new EnvelopeError(), new PfxPasswordError(), new HttpError(500, ''), new KeyFormatError('k')]) {
      expect(error).toBeInstanceOf(OpenCashierError);
      expect(error.name).toBe(error.type);
    }
    expect(new PfxPasswordError()).toBeInstanceOf(KeyFormatError);
  });
});
