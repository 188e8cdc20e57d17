import { ipToBigInt, parseCidr } from './ip-address.js';

/**
 * The two look-up tables behind the geography rules, loaded from CSV files
 * the operator supplies (`riskBinTableFile`, `riskIpTableFile`) or from the
 * small samples shipped with the gateway. Lines: `value,country`; `#` starts
 * a comment. A bad line is reported with its number and the file is refused.
 */
export class TableError extends Error {
  constructor(readonly errors: readonly { line: number; cause: string }[]) {
    super(errors.map((e) => `line ${e.line}: ${e.cause}`).join('; '));
    this.name = 'TableError';
  }
}

function rows(text: string): { line: number; key: string; country: string }[] {
  const out: { line: number; key: string; country: string }[] = [];
  const errors: { line: number; cause: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const [key, country, extra] = line.split(',').map((s) => s.trim());
    if (extra !== undefined || !key || !country) errors.push({ line: i + 1, cause: 'expected two fields: value,country' });
    else if (!/^[A-Z]{2}$/.test(country)) errors.push({ line: i + 1, cause: `${country} is not an ISO 3166 alpha-2 country code` });
    else out.push({ line: i + 1, key, country });
  });
  if (errors.length) throw new TableError(errors);
  return out;
}

/** Card BIN (issuer identification number) prefixes of 6 to 8 digits → issuing country; the longest prefix wins. */
export class BinTable {
  private readonly byPrefix = new Map<string, string>();
  constructor(csv: string) {
    const errors: { line: number; cause: string }[] = [];
    for (const r of rows(csv)) {
      if (!/^[0-9]{6,8}$/.test(r.key)) errors.push({ line: r.line, cause: `${r.key} is not a BIN of 6 to 8 digits` });
      else this.byPrefix.set(r.key, r.country);
    }
    if (errors.length) throw new TableError(errors);
  }
  get size(): number {
    return this.byPrefix.size;
  }
  /** The issuing country of a card from its leading digits (8 are enough; never pass the whole number where it could be kept). */
  countryOf(leadingDigits: string): string | undefined {
    for (let n = Math.min(8, leadingDigits.length); n >= 6; n -= 1) {
      const found = this.byPrefix.get(leadingDigits.slice(0, n));
      if (found) return found;
    }
    return undefined;
  }
}

/** IP ranges (CIDR) → country, searched by binary search over sorted, non-overlapping ranges. */
export class IpCountryTable {
  private readonly starts: bigint[] = [];
  private readonly ends: bigint[] = [];
  private readonly countries: string[] = [];
  constructor(csv: string) {
    const errors: { line: number; cause: string }[] = [];
    const ranges: { start: bigint; end: bigint; country: string; line: number }[] = [];
    for (const r of rows(csv)) {
      const range = parseCidr(r.key);
      if (!range) errors.push({ line: r.line, cause: `${r.key} is not an IP range` });
      else ranges.push({ start: range.start, end: range.end, country: r.country, line: r.line });
    }
    ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    ranges.forEach((r, i) => {
      if (i > 0 && r.start <= ranges[i - 1]!.end) errors.push({ line: r.line, cause: `overlaps the range on line ${ranges[i - 1]!.line}` });
      this.starts.push(r.start);
      this.ends.push(r.end);
      this.countries.push(r.country);
    });
    if (errors.length) throw new TableError(errors);
  }
  get size(): number {
    return this.starts.length;
  }
  countryOf(ip: string): string | undefined {
    const value = ipToBigInt(ip);
    if (value === undefined) return undefined;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! > value) hi = mid - 1;
      else if (this.ends[mid]! < value) lo = mid + 1;
      else return this.countries[mid];
    }
    return undefined;
  }
}
