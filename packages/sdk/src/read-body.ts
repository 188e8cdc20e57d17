/**
 * Reading an HTTP answer without trusting its size: a broken or hostile
 * server must not make the merchant buffer an unbounded body.
 */

import { OpenCashierError } from './errors.js';
import { RESPONSE_BODY_BYTES_MAX } from './limits.js';

/** The body as UTF-8 text; throws `OpenCashierError` past `RESPONSE_BODY_BYTES_MAX`. */
export async function readBodyText(response: Response, bytesMax: number = RESPONSE_BODY_BYTES_MAX): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > bytesMax) throw tooLarge(bytesMax);
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > bytesMax) {
      await reader.cancel();
      throw tooLarge(bytesMax);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(bytesMax: number): OpenCashierError {
  return new OpenCashierError(`gateway answer is larger than ${bytesMax} bytes`);
}
