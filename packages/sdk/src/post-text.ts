/**
 * One POST with a timeout and a bounded answer, for the clients of the
 * plain-text dialects (flat JSON, form gateway): network failures become the
 * SDK's `ConnectionError`, non-2xx answers its `HttpError`.
 */
import { errorFromAnswer, OpenCashierError } from './errors.js';
import { readBodyText } from './read-body.js';

export interface PostTextOptions {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export async function postText(url: URL, options: PostTextOptions): Promise<string> {
  let status: number;
  let text: string;
  try {
    const response = await options.fetch(url, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error', // a redirected payment API call is never legitimate
    });
    status = response.status;
    text = await readBodyText(response);
  } catch (cause) {
    if (cause instanceof OpenCashierError) throw cause;
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    throw errorFromAnswer({ kind: 'connection', cause, timedOut });
  }
  if (status < 200 || status > 299) throw errorFromAnswer({ kind: 'http', status, body: text });
  return text;
}
