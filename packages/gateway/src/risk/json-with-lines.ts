/**
 * A JSON reader that remembers the line of every value, so a rule file's
 * mistakes are reported where the operator wrote them ("line 14:
 * defaults.velocity[2].window: …"), which JSON.parse cannot do.
 * Strict JSON (RFC 8259); duplicate keys and `__proto__` are refused.
 */
export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`line ${line}, column ${column}: ${problem}`);
    this.name = 'JsonSyntaxError';
  }
}

export interface JsonWithLines {
  value: unknown;
  /** Path (`a.b[0].c`) → line where that value starts. */
  lines: ReadonlyMap<string, number>;
}

export function parseJsonWithLines(text: string): JsonWithLines {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const lines = new Map<string, number>();
  const fail = (cause: string): never => {
    throw new JsonSyntaxError(line, i - lineStart + 1, cause);
  };
  const skipSpace = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\n') {
        line += 1;
        lineStart = i + 1;
      } else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      i += 1;
    }
  };
  const readString = (): string => {
    i += 1; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i]!;
      if (c === '"') {
        i += 1;
        return out;
      }
      if (c < ' ') fail('control character in string');
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('bad escape in string');
      } else {
        out += c;
        i += 1;
      }
    }
  };
  const readValue = (path: string): unknown => {
    skipSpace();
    lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      i += 1;
      const obj: Record<string, unknown> = {};
      skipSpace();
      if (text[i] === '}') {
        i += 1;
        return obj;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail('expected a quoted key');
        const key = readString();
        if (key === '__proto__') fail('the key __proto__ is not allowed');
        if (Object.hasOwn(obj, key)) fail(`duplicate key "${key}"`);
        skipSpace();
        if (text[i] !== ':') fail(`expected ":" after "${key}"`);
        i += 1;
        obj[key] = readValue(path === '' ? key : `${path}.${key}`);
        skipSpace();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === '}') {
          i += 1;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i += 1;
      const arr: unknown[] = [];
      skipSpace();
      if (text[i] === ']') {
        i += 1;
        return arr;
      }
      for (;;) {
        arr.push(readValue(`${path}[${arr.length}]`));
        skipSpace();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === ']') {
          i += 1;
          return arr;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return readString();
    const literal = /^(true|false|null|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)/.exec(text.slice(i, i + 64));
    if (!literal) fail(i >= text.length ? 'unexpected end of input' : `unexpected character "${c}"`);
    i += literal![0].length;
    const word = literal![0];
    return word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : Number(word);
  };
  const value = readValue('');
  skipSpace();
  if (i < text.length) fail('unexpected text after the document');
  return { value, lines };
}
