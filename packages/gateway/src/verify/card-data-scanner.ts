/**
 * Looks for card data in raw bytes: every sentinel card number used in a
 * run, whole or with spaces or dashes between its digits, inside any run of
 * digits; and every sentinel CVV, either after a field name that means a
 * security code (cvv, cvc, cvn, csc, cvv2, securityCode) or as a quoted or
 * form-encoded value of its own. The sentinel CVVs are chosen from a range no
 * amount, year, quantity or kept last 4 of the run uses, so a hit is a CVV
 * and not noise.
 */

/** Sentinel CVVs: 4 digits from 9101 to 9899 whose last digit is not 0; amounts in a run stay below 9000. */
export const CVV_SENTINEL_MIN = 9101;
export const CVV_SENTINEL_MAX = 9899;

export function sentinelCvv(i: number): string {
  const span = CVV_SENTINEL_MAX - CVV_SENTINEL_MIN + 1;
  const n = CVV_SENTINEL_MIN + (i % span);
  return String(n % 10 === 0 ? n + 1 : n);
}

/**
 * A Luhn-valid 15-digit American Express sentinel number (its CVV has 4
 * digits), distinct for each i below 10^8; prefix 3791, never a magic card.
 * The digits before the check digit are fixed at "07", so the last four
 * (kept in clear, like a BIN) read d07c and never fall in the sentinel CVV
 * range: a quoted last 4 is not mistaken for a CVV.
 */
export function sentinelPan(i: number): string {
  const body = `3791${String(i).padStart(8, '0')}07`;
  let sum = 0;
  for (let k = 0; k < body.length; k += 1) {
    let d = Number(body[body.length - 1 - k]);
    if (k % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export interface ScanHit {
  source: string;
  kind: 'pan' | 'cvv';
  /** The card number masked to its first 6 and last 4, or the CVV field as found (the sentinel is test data). */
  excerpt: string;
}

export interface ScanResult {
  bytesScanned: number;
  sources: number;
  hits: ScanHit[];
}

const DIGIT_RUN = /[0-9](?:[ -]?[0-9]){11,}/g;
const CVV_FIELD = /(?:cvv2?|cvc2?|cvn|csc|security[_-]?code)["']?\s*[:=]\s*["']?([0-9]{3,4})\b/gi;
const CVV_QUOTED = /["'=]([0-9]{4})(?=["'&\s,}]|$)/g;

export class CardDataScanner {
  readonly #pans: Set<string>;
  readonly #cvvs: Set<string>;
  readonly #lengths: number[];
  readonly result: ScanResult = { bytesScanned: 0, sources: 0, hits: [] };

  constructor(pans: Iterable<string>, cvvs: Iterable<string>) {
    this.#pans = new Set(pans);
    this.#cvvs = new Set(cvvs);
    this.#lengths = [...new Set([...this.#pans].map((p) => p.length))];
  }

  /** Scans bytes as Latin-1 (one character per byte, so binary files and any text encoding of digits are covered) and as UTF-16LE. */
  scan(source: string, bytes: Buffer): void {
    this.result.sources += 1;
    this.result.bytesScanned += bytes.length;
    this.#scanText(source, bytes.toString('latin1'));
    // Some stores write UTF-16 (a digit then a zero byte): strip the zero bytes and look again.
    if (bytes.includes(0)) this.#scanText(`${source} (utf-16)`, bytes.toString('latin1').replace(/\u0000/g, ''));
  }

  #scanText(source: string, text: string): void {
    for (const m of text.matchAll(DIGIT_RUN)) {
      const digits = m[0].replace(/[ -]/g, '');
      for (const length of this.#lengths) {
        for (let start = 0; start + length <= digits.length; start += 1) {
          const candidate = digits.slice(start, start + length);
          if (this.#pans.has(candidate)) this.result.hits.push({ source, kind: 'pan', excerpt: `${candidate.slice(0, 6)}…${candidate.slice(-4)}` });
        }
      }
    }
    for (const m of text.matchAll(CVV_FIELD)) {
      if (this.#cvvs.has(m[1]!)) this.result.hits.push({ source, kind: 'cvv', excerpt: m[0].slice(0, 40) });
    }
    for (const m of text.matchAll(CVV_QUOTED)) {
      if (this.#cvvs.has(m[1]!)) this.result.hits.push({ source, kind: 'cvv', excerpt: text.slice(Math.max(0, m.index - 30), m.index + 8) });
    }
  }
}
