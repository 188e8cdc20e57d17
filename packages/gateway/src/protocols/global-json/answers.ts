import { signGlobalJson } from '@opencashier/sdk';
import { GatewayError, type ErrorCode } from '../../domain/errors.js';
import { globalJsonMessage } from './messages.js';
import type { Secret } from '../../keys/secret.js';
import { GLOBAL_JSON_WIRE_CODES } from './wire-codes.js';

export interface GlobalAnswer {
  code: string;
  message: string;
  success: boolean;
  result: Record<string, string> | null;
}

/** A success: `result` signed with the app's current secret. */
export function successAnswer(result: Record<string, string>, secret: Secret): GlobalAnswer {
  return { code: '0', message: 'success', success: true, result: signGlobalJson(result, secret.reveal()) };
}

/** A refusal: the dialect's code for the core's, and its message in this dialect's words. Nothing is signed: there may be no app to sign with. */
export function errorAnswer(error: unknown): { answer: GlobalAnswer; code: ErrorCode; known: boolean } {
  const known = error instanceof GatewayError;
  const code: ErrorCode = known ? error.code : 'INTERNAL_ERROR';
  return { answer: { code: GLOBAL_JSON_WIRE_CODES[code], message: globalJsonMessage(code, known ? error.params : {}), success: false, result: null }, code, known };
}
