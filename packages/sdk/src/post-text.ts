/**
 * One POST with a timeout and a bounded answer, for every client of the
 * SDK: network failures become its `ConnectionError`, non-2xx answers its
 * `HttpError`, and redirects are refused.
 */
import { errorFromAnswer, OpenCashierError } from './errors.js';
import { readBodyText } from './read-body.js';

export interface PostTextOptions {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** The 2xx answer's body as text, and its headers. */
export async function postText(url: URL, options: PostTextOptions): Promise<{ text: string; headers: Headers }> {
  let status: number;
  let text: string;
  let headers: Headers;
  try {
    const response = await options.fetch(url, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error', // a redirected payment API call is never legitimate
    });
    status = response.status;
    headers = response.headers;
    text = await readBodyText(response);
  } catch (cause) {
    if (cause instanceof OpenCashierError) throw cause;
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    throw errorFromAnswer({ kind: 'connection', cause, timedOut });
  }
  if (status < 200 || status > 299) throw errorFromAnswer({ kind: 'http', status, body: text });
  return { text, headers };
}
