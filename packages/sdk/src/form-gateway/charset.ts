/**
 * The form's `inputCharset`: 1 = UTF-8, 2 = GBK, 3 = GB2312. Browsers send
 * a form in the page's charset, so a GBK shop posts GBK bytes
 * percent-encoded. Node's TextDecoder (full ICU) decodes GBK; GB2312 is
 * decoded as GBK, its superset, as the WHATWG Encoding standard does.
 */
export const FORM_CHARSETS: Readonly<Record<string, string>> = { '1': 'utf-8', '2': 'gbk', '3': 'gbk' };

export type FormDecodeResult = { ok: true; fields: Record<string, string> } | { ok: false; problem: 'charset-unknown' | 'bytes-invalid' | 'field-repeated' };

/** Percent-decoding to bytes (`+` is a space), without interpreting them as text yet. */
function percentBytes(text: string): Buffer | undefined {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b) out.push(0x20);
    else if (c === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (c < 0x80) out.push(c);
    else return undefined; // raw non-ASCII is not a valid urlencoded body
  }
  return Buffer.from(out);
}

/**
 * Decodes an `application/x-www-form-urlencoded` body whose bytes are in the
 * charset its own `inputCharset` field names (default 1, UTF-8). Bytes that
 * are not valid in that charset are refused, never replaced.
 */
export function decodeForm(body: Uint8Array): FormDecodeResult {
  const raw = new Map<string, Buffer>();
  const ascii = Buffer.from(body).toString('latin1');
  for (const part of ascii.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const nameBytes = percentBytes(eq < 0 ? part : part.slice(0, eq));
    const valueBytes = percentBytes(eq < 0 ? '' : part.slice(eq + 1));
    if (!nameBytes || !valueBytes) return { ok: false, problem: 'bytes-invalid' };
    const name = nameBytes.toString('latin1');
    if (raw.has(name)) return { ok: false, problem: 'field-repeated' };
    raw.set(name, valueBytes);
  }
  const charsetField = raw.get('inputCharset')?.toString('latin1') ?? '1';
  const charset = FORM_CHARSETS[charsetField === '' ? '1' : charsetField];
  if (!charset) return { ok: false, problem: 'charset-unknown' };
  const decoder = new TextDecoder(charset, { fatal: true });
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  try {
    for (const [name, value] of raw) {
      if (!/^[A-Za-z0-9_]+$/.test(name)) continue; // not a protocol field name
      fields[name] = decoder.decode(value);
    }
  } catch {
    return { ok: false, problem: 'bytes-invalid' };
  }
  return { ok: true, fields };
}
