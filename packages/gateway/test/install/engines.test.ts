import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../../', import.meta.url);
/** The oldest Node the project supports (package.json engines): every dependency must accept it, or npm warns EBADENGINE. */
const SUPPORTED_NODE = '20.20.0';

type Version = [number, number, number];

function parse(text: string): { version: Version; given: number } {
  const parts = text.replace(/^v/, '').split('.').filter((p) => p !== '' && p !== 'x' && p !== '*');
  const [a = 0, b = 0, c = 0] = parts.map(Number);
  return { version: [a, b, c], given: parts.length };
}

function compare(x: Version, y: Version): number {
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** One comparator of an npm range (`>=20.19`, `^20.0.0`, `20.x`, `20`, `*`). */
function comparatorAdmits(comparator: string, v: Version): boolean {
  if (comparator === '*' || comparator === '') return true;
  const m = /^(>=|<=|>|<|\^|~|=)?\s*(.+)$/.exec(comparator)!;
  const { version, given } = parse(m[2]!);
  const c = compare(v, version);
  switch (m[1]) {
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '<':
      return c < 0;
    case '^':
      return c >= 0 && v[0] === version[0];
    case '~':
      return c >= 0 && v[0] === version[0] && v[1] === version[1];
    default:
      // A partial version (`20`, `20.x`) admits everything it leaves open.
      return version.slice(0, given).every((n, i) => v[i] === n);
  }
}

export function rangeAdmits(range: string, version: string): boolean {
  const v = parse(version).version;
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .every((comparator) => comparatorAdmits(comparator, v)),
  );
}

describe('installing on the supported Node version', () => {
  it('reads npm ranges as npm does', () => {
    expect(rangeAdmits('>=22', SUPPORTED_NODE)).toBe(false);
    expect(rangeAdmits('^20.19.0 || >=22.12.0', SUPPORTED_NODE)).toBe(true);
    expect(rangeAdmits('^20.21.0 || >=22.12.0', SUPPORTED_NODE)).toBe(false);
    expect(rangeAdmits('20.x || 22.x', SUPPORTED_NODE)).toBe(true);
    expect(rangeAdmits('18 || >=22', SUPPORTED_NODE)).toBe(false);
    expect(rangeAdmits('>=16 || 14 >=14.17', SUPPORTED_NODE)).toBe(true);
    expect(rangeAdmits('>= 0.8', SUPPORTED_NODE)).toBe(true);
  });

  it('no installed dependency wants a newer Node (no EBADENGINE warning)', () => {
    const root = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { engines: { node: string } };
    expect(rangeAdmits(root.engines.node, SUPPORTED_NODE)).toBe(true);
    const lock = JSON.parse(readFileSync(new URL('package-lock.json', ROOT), 'utf8')) as { packages: Record<string, { version?: string; engines?: unknown }> };
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => typeof p.engines === 'object' && p.engines !== null && typeof (p.engines as { node?: unknown }).node === 'string')
      .filter(([, p]) => !rangeAdmits((p.engines as { node: string }).node, SUPPORTED_NODE))
      .map(([path, p]) => `${path}@${p.version}: node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });

  it('the install shows the native build as it runs', () => {
    expect(readFileSync(new URL('.npmrc', ROOT), 'utf8')).toMatch(/^foreground-scripts=true$/m);
  });
});
