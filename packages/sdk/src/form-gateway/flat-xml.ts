/**
 * The form gateway's XML answers are one root of flat text elements
 * (`<res><orderId>…</orderId>…</res>`). This writes and reads exactly that
 * shape and nothing more: no attributes, no nesting, no entities beyond the
 * five XML predefines.
 */
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const UNESCAPES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Empty values become `<name />`, as in the seed's examples. */
export function renderFlatXml(root: string, fields: readonly (readonly [string, string | undefined])[]): string {
  const body = fields.map(([name, value]) => (value === undefined || value === '' ? `<${name} />` : `<${name}>${escapeXml(value)}</${name}>`)).join('');
  return `<?xml version="1.0" encoding="utf-8" ?><${root}>${body}</${root}>`;
}

/** The child elements of a flat XML document; undefined when it is not one. */
export function parseFlatXml(text: string): Record<string, string> | undefined {
  const m = /^\s*(?:<\?xml[^>]*\?>)?\s*-?\s*<([A-Za-z]+)>([\s\S]*)<\/\1>\s*$/.exec(text);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  const element = /\s*(?:<([A-Za-z0-9_]+)\s*\/>|<([A-Za-z0-9_]+)>([^<]*)<\/\2>)\s*/y;
  const inner = m[2]!;
  let at = 0;
  while (at < inner.length) {
    element.lastIndex = at;
    const e = element.exec(inner);
    if (!e) return undefined;
    if (e[1]) out[e[1]] = '';
    else out[e[2]!] = e[3]!.replace(/&(amp|lt|gt|quot|apos);/g, (_, n: string) => UNESCAPES[n]!);
    at = element.lastIndex;
  }
  return out;
}
