/**
 * Seeded mutations of genuine PayEase v3 requests, for the envelope fuzzing
 * suite. Every mutant breaks the envelope in at least one way an attacker
 * on the wire could (a bit of the ciphertext, of the wrapped key or of the
 * signature, a truncation, a wrong length, a missing or altered header), so
 * the one right answer to each is the gateway's uniform refusal. Some
 * mutants also carry harmless noise (another content type, a stray header)
 * that must not change that answer.
 *
 * Pure and deterministic: the same seed gives the same mutants, so a failure
 * found by the long run can be replayed by its index.
 */
import { aesEncryptToBase64 } from '@opencashier/sdk';
import { seededRandom } from './seeded-random.js';

/** One request as sent on the wire. */
export interface WireRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A genuine request together with what sealed it, so the plaintext can be altered and sealed again under the same AES key. */
export interface GenuineRequest extends WireRequest {
  /** The signed JSON inside the envelope, hmac included. */
  json: string;
  aesKey: Buffer;
}

export const MUTATION_KINDS = [
  'ciphertext-bit',
  'ciphertext-text-bit',
  'ciphertext-block-swap',
  'ciphertext-block-drop',
  'ciphertext-block-extra',
  'ciphertext-truncated',
  'ciphertext-empty',
  'encrypt-key-bit',
  'encrypt-key-text-bit',
  'encrypt-key-truncated',
  'encrypt-key-extended',
  'encrypt-key-missing',
  'encrypt-key-of-other-request',
  'hmac-bit',
  'hmac-truncated',
  'hmac-missing',
  'signed-value-bit',
  'merchant-header-bit',
  'merchant-header-missing',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** Changes that do not break anything on their own, added to some mutants to show they do not alter the refusal. */
export const NOISE_KINDS = ['content-type', 'content-length', 'request-id-header', 'stray-header', 'data-wrapper', 'header-name-case'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

export interface Mutant extends WireRequest {
  index: number;
  kinds: MutationKind[];
  noise: NoiseKind[];
  /** The refusal expected: a request naming no known merchant is refused before its envelope is looked at. */
  expected: 'ENVELOPE_INVALID' | 'MERCHANT_UNKNOWN';
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Printable header-safe ASCII, without white space (a header value is trimmed by HTTP itself). */
function isHeaderSafe(code: number): boolean {
  return code > 0x20 && code < 0x7f;
}

function headerName(headers: Record<string, string>, name: string): string | undefined {
  return Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
}

function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

export class EnvelopeMutator {
  readonly #random: () => number;
  #index = 0;

  constructor(
    private readonly genuine: readonly GenuineRequest[],
    seed: number,
  ) {
    if (genuine.length < 2) throw new Error('the mutator needs at least two genuine requests (one lends its key to another)');
    this.#random = seededRandom(seed);
  }

  private int(n: number): number {
    return Math.floor(this.#random() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Flips one bit of a buffer copy; the result always differs from the input. */
  private flipBit(bytes: Buffer): Buffer {
    const copy = Buffer.from(bytes);
    const i = this.int(copy.length);
    copy[i] = copy[i]! ^ (1 << this.int(8));
    return copy;
  }

  /** Flips one bit of one character of a text; for header values, only into another header-safe character. */
  private flipTextBit(text: string, headerSafe: boolean): string {
    if (text === '') return 'A';
    for (;;) {
      const i = this.int(text.length);
      const code = text.charCodeAt(i) ^ (1 << this.int(7));
      if (headerSafe && !isHeaderSafe(code)) continue;
      return text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1);
    }
  }

  private randomBytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** The next mutant: one to three breaking mutations, sometimes noise on top. */
  next(): Mutant {
    const source = this.pick(this.genuine);
    const headers = { ...source.headers };
    let body = source.body;
    const kinds: MutationKind[] = [];
    const mutationCount = 1 + (this.#random() < 0.3 ? this.int(3) : 0);
    for (let m = 0; m < mutationCount; m++) {
      const kind = this.pick(MUTATION_KINDS);
      const changed = this.apply(kind, source, headers, body);
      if (changed === undefined) continue;
      body = changed;
      kinds.push(kind);
    }
    // Two mutations can undo each other (a bit flipped back, an inserted block dropped again):
    // a mutant identical to its genuine request is a replay, not a mutant, so break it for sure.
    if (kinds.length === 0 || (body === source.body && sameHeaders(headers, source.headers))) {
      body = Buffer.from(this.flipBit(Buffer.from(source.body, 'base64'))).toString('base64');
      kinds.push('ciphertext-bit');
    }
    const noise: NoiseKind[] = [];
    if (this.#random() < 0.25) {
      const kind = this.pick(NOISE_KINDS);
      body = this.applyNoise(kind, headers, body);
      noise.push(kind);
    }
    const merchantHeader = headerName(headers, 'merchantId');
    const merchantChanged = merchantHeader === undefined || headers[merchantHeader] !== source.headers['merchantId'];
    return { index: this.#index++, path: source.path, headers, body, kinds, noise, expected: merchantChanged ? 'MERCHANT_UNKNOWN' : 'ENVELOPE_INVALID' };
  }

  /** Applies one mutation to `headers` in place; returns the new body, or undefined when this kind does not fit the mutant as it stands. */
  private apply(kind: MutationKind, source: GenuineRequest, headers: Record<string, string>, body: string): string | undefined {
    const keyName = headerName(headers, 'encryptKey');
    const key = keyName === undefined ? undefined : headers[keyName]!;
    const blocks = () => Buffer.from(body, 'base64');
    switch (kind) {
      case 'ciphertext-bit':
        return this.flipBit(blocks()).toString('base64');
      case 'ciphertext-text-bit':
        return this.flipTextBit(body, false);
      case 'ciphertext-block-swap': {
        const b = blocks();
        const n = Math.floor(b.length / 16);
        if (n < 2) return undefined;
        const i = this.int(n);
        let j = this.int(n - 1);
        if (j >= i) j++;
        const bi = Buffer.from(b.subarray(i * 16, i * 16 + 16));
        const bj = Buffer.from(b.subarray(j * 16, j * 16 + 16));
        if (bi.equals(bj)) return undefined;
        bi.copy(b, j * 16);
        bj.copy(b, i * 16);
        return b.toString('base64');
      }
      case 'ciphertext-block-drop': {
        const b = blocks();
        const n = Math.floor(b.length / 16);
        if (n < 2) return undefined;
        const i = this.int(n);
        return Buffer.concat([b.subarray(0, i * 16), b.subarray(i * 16 + 16)]).toString('base64');
      }
      case 'ciphertext-block-extra': {
        const b = blocks();
        const at = this.int(Math.floor(b.length / 16) + 1) * 16;
        return Buffer.concat([b.subarray(0, at), this.randomBytes(16), b.subarray(at)]).toString('base64');
      }
      case 'ciphertext-truncated':
        return body.length <= 1 ? undefined : body.slice(0, this.int(body.length - 1) + 1);
      case 'ciphertext-empty':
        return this.#random() < 0.5 ? '' : '{"data":""}';
      case 'encrypt-key-bit':
        if (key === undefined) return undefined;
        headers[keyName!] = this.flipBit(Buffer.from(key, 'base64')).toString('base64');
        return body;
      case 'encrypt-key-text-bit':
        if (key === undefined) return undefined;
        headers[keyName!] = this.flipTextBit(key, true);
        return body;
      case 'encrypt-key-truncated': {
        if (key === undefined) return undefined;
        const raw = Buffer.from(key, 'base64');
        headers[keyName!] = raw.subarray(0, this.int(raw.length)).toString('base64') || 'AA==';
        return body;
      }
      case 'encrypt-key-extended':
        if (key === undefined) return undefined;
        headers[keyName!] = Buffer.concat([Buffer.from(key, 'base64'), this.randomBytes(1 + this.int(32))]).toString('base64');
        return body;
      case 'encrypt-key-missing':
        if (keyName === undefined) return undefined;
        delete headers[keyName];
        return body;
      case 'encrypt-key-of-other-request': {
        // A genuine wrapped key, but of another request: it opens to another AES key.
        if (keyName === undefined) return undefined;
        const other = this.genuine.find((g) => g.aesKey.compare(source.aesKey) !== 0);
        if (other === undefined) return undefined;
        headers[keyName] = other.headers['encryptKey']!;
        return body;
      }
      case 'hmac-bit':
      case 'hmac-truncated':
      case 'hmac-missing':
      case 'signed-value-bit':
        // Plaintext changes are sealed again under the request's own AES key:
        // the envelope opens, only the signature can catch them.
        if (body !== source.body) return undefined;
        return aesEncryptToBase64(this.alterPlaintext(kind, source.json), source.aesKey);
      case 'merchant-header-bit': {
        const name = headerName(headers, 'merchantId');
        if (name === undefined) return undefined;
        headers[name] = this.flipTextBit(headers[name]!, true);
        return body;
      }
      case 'merchant-header-missing': {
        const name = headerName(headers, 'merchantId');
        if (name === undefined) return undefined;
        delete headers[name];
        return body;
      }
    }
  }

  private alterPlaintext(kind: 'hmac-bit' | 'hmac-truncated' | 'hmac-missing' | 'signed-value-bit', json: string): string {
    const payload = JSON.parse(json) as Record<string, unknown>;
    const hmac = payload['hmac'] as string;
    if (kind === 'hmac-missing') {
      delete payload['hmac'];
    } else if (kind === 'hmac-truncated') {
      payload['hmac'] = hmac.slice(0, this.int(hmac.length));
    } else if (kind === 'hmac-bit') {
      payload['hmac'] = this.flipBit(Buffer.from(hmac, 'base64')).toString('base64');
    } else {
      // A signed value changed by one bit, always into another printable character (control characters are stripped before parsing).
      const fields = Object.keys(payload).filter((k) => k !== 'hmac' && typeof payload[k] === 'string' && (payload[k] as string).trim() !== '');
      const field = this.pick(fields);
      const value = payload[field] as string;
      for (;;) {
        const i = this.int(value.length);
        const code = value.charCodeAt(i) ^ (1 << this.int(7));
        // White space at the edges is trimmed by the canonical form; keep the change inside the signed text.
        if (!isHeaderSafe(code)) continue;
        payload[field] = value.slice(0, i) + String.fromCharCode(code) + value.slice(i + 1);
        break;
      }
    }
    return JSON.stringify(payload);
  }

  private applyNoise(kind: NoiseKind, headers: Record<string, string>, body: string): string {
    switch (kind) {
      case 'content-type': {
        const name = headerName(headers, 'Content-Type') ?? 'Content-Type';
        headers[name] = this.pick([
          'text/plain',
          'application/json',
          'application/octet-stream',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/vnd.5upay-v3.0+json; charset=utf-8',
          'application/json; charset=utf-9',
          'not a media type',
          '',
        ]);
        return body;
      }
      case 'content-length':
        // A length that disagrees with the body (only where the sender lets a request say so).
        headers['content-length'] = String(Buffer.byteLength(body) + this.pick([-1, 1, 1000]));
        return body;
      case 'request-id-header':
        headers['requestId'] = Array.from({ length: 1 + this.int(64) }, () => this.pick([...BASE64_ALPHABET])).join('');
        return body;
      case 'stray-header':
        headers[`x-${this.pick(['hmac', 'data', 'partner', 'debug'])}`] = this.pick(['1', 'true', 'SUCCESS', '__proto__']);
        return body;
      case 'data-wrapper':
        return JSON.stringify({ data: body });
      case 'header-name-case':
        for (const name of Object.keys(headers)) {
          const value = headers[name]!;
          delete headers[name];
          headers[this.#random() < 0.5 ? name.toLowerCase() : name.toUpperCase()] = value;
        }
        return body;
    }
  }
}
