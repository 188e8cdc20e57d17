/**
 * A JSON parser that keeps every digit a client sent. `JSON.parse` turns
 * `12345678901234567` into 12345678901234568; PHP's `json_decode`, which
 * the merchant clients sign with, keeps it as an integer. So here:
 *
 * - an integer literal (`-?(0|[1-9][0-9]*)`, no fraction, no exponent) is a
 *   `bigint`, exact whatever its size;
 * - any other number (`1.5`, `1e3`, `10000.0`) is a `number`, the same IEEE
 *   double PHP's `json_decode` makes of it (a PHP float).
 *
 * So `typeof v === 'bigint'` means "the client sent a JSON integer" and a
 * `number` means "the client sent a fraction or an exponent". Strings,
 * objects, lists and literals are as `JSON.parse` makes them (a repeated key
 * keeps its last value, as in PHP), except that every key, `__proto__`
 * included, becomes an own property: the caller's forbidden-key check then
 * sees it. Invalid JSON throws a `SyntaxError`.
 */

export type ExactJson = null | boolean | string | number | bigint | ExactJson[] | { [key: string]: ExactJson };

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
// A JSON string token: no raw control characters, only the escapes JSON allows.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

export function parseJsonExact(text: string): ExactJson {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipWhitespace();
  if (parser.at < text.length) parser.fail();
  return value;
}

class Parser {
  at = 0;
  constructor(private readonly text: string) {}

  fail(): never {
    throw new SyntaxError(`invalid JSON at position ${this.at}`);
  }

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  value(): ExactJson {
    this.skipWhitespace();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.list();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, literal] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return literal;
      }
    }
    return this.fail();
  }

  private object(): { [key: string]: ExactJson } {
    const out: { [key: string]: ExactJson } = {};
    this.at++;
    this.skipWhitespace();
    if (this.text[this.at] === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.at] !== '"') this.fail();
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.at] !== ':') this.fail();
      this.at++;
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const next = this.text[this.at++];
      if (next === '}') return out;
      if (next !== ',') this.fail();
    }
  }

  private list(): ExactJson[] {
    const out: ExactJson[] = [];
    this.at++;
    this.skipWhitespace();
    if (this.text[this.at] === ']') {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipWhitespace();
      const next = this.text[this.at++];
      if (next === ']') return out;
      if (next !== ',') this.fail();
    }
  }

  private string(): string {
    STRING.lastIndex = this.at;
    const match = STRING.exec(this.text);
    if (!match) this.fail();
    this.at = STRING.lastIndex;
    return JSON.parse(match[0]) as string;
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail();
    this.at = NUMBER.lastIndex;
    const isInteger = match[1] === undefined && match[2] === undefined;
    return isInteger ? BigInt(match[0]) : Number(match[0]);
  }
}

const LITERALS: readonly [string, null | boolean][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];
