/**
 * Header lookup that ignores case. PayEase names its headers in camelCase
 * (`encryptKey`, `merchantId`), but Node, Fastify and most proxies
 * lower-case them, and the fetch `Headers` class does too.
 */

/** Anything a Node server, Fastify or fetch hands over as headers. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** The value of header `name`, first one if repeated, or undefined. */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): string | null }).get(name);
    return value ?? undefined;
  }
  const wanted = name.toLowerCase();
  const record = headers as Readonly<Record<string, string | readonly string[] | number | undefined>>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== wanted) continue;
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return value;
    if (value.length > 0) return value[0];
  }
  return undefined;
}
