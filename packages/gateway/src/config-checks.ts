/**
 * Checks of the configuration that concern its shape rather than one key:
 * environment variables the gateway does not know (a typo is otherwise
 * silently ignored) and the URLs and host names it is given.
 */

/** OPENCASHIER_* variables that are not configuration keys but are read by the gateway itself. */
const NON_CONFIG_VARIABLES: ReadonlySet<string> = new Set(['OPENCASHIER_CONFIG', 'OPENCASHIER_WORKER_INDEX']);

/**
 * Prefixes of variables read by the test, verification and benchmark tools
 * (never by a running gateway): set in the same shell, they are not typos.
 */
const TOOL_VARIABLE_PREFIXES: readonly string[] = ['OPENCASHIER_TEST_', 'OPENCASHIER_VERIFY', 'OPENCASHIER_CRASH_', 'OPENCASHIER_RACE_', 'OPENCASHIER_RESTART_', 'OPENCASHIER_E2E_', 'OPENCASHIER_SCREENSHOT_', 'OPENCASHIER_VECTOR_', 'OPENCASHIER_BENCH_'];

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** A suggestion is offered when at most this share of the name differs: close enough to be a typo. */
const SUGGESTION_DISTANCE_SHARE_MAX = 0.34;

/** The known name closest to `name`, when it is close enough to be what was meant. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (!best || d < best.d) best = { name: candidate, d };
  }
  return best && best.d <= Math.ceil(name.length * SUGGESTION_DISTANCE_SHARE_MAX) ? best.name : undefined;
}

/** Messages for every OPENCASHIER_* variable in `env` the gateway does not know, each with a "did you mean" when one is close. */
export function unknownVariables(env: NodeJS.ProcessEnv, known: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('OPENCASHIER_') || known.includes(name) || NON_CONFIG_VARIABLES.has(name)) continue;
    if (TOOL_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    const suggestion = closestName(name, known);
    problems.push(`unknown variable ${name}${suggestion ? `; did you mean ${suggestion}?` : ''} (docs/configuration.md lists them)`);
  }
  return problems;
}

/** Why `value` is not an http(s) base URL a browser and a merchant can reach, or undefined. */
export function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `publicBaseUrl ${value} is not a URL (expected e.g. https://pay.example.com)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `publicBaseUrl ${value} must be http:// or https://`;
  if (url.username || url.password) return `publicBaseUrl ${value} must not carry credentials`;
  if (url.search || url.hash) return `publicBaseUrl ${value} must not have a query or fragment`;
  return undefined;
}

/** An IPv4 or IPv6 address, or a host name of letters, digits, hyphens and dots. */
const HOST_PATTERN = /^(([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|[0-9a-f:.]+)$/i;

export function hostProblem(value: string): string | undefined {
  return HOST_PATTERN.test(value) ? undefined : `host ${value} is not a host name or an IP address`;
}

/** Why a `postgres://` database URL cannot be used, or undefined (a SQLite path is not checked here). */
export function databaseUrlProblem(value: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'postgres' && scheme !== 'postgresql' && scheme !== 'sqlite') {
    return `OPENCASHIER_DATABASE_URL (databaseUrl) starts with ${scheme}://, which is not supported: use postgres://user:password@host:5432/database for PostgreSQL, or a file path such as ./data/opencashier.sqlite for SQLite`;
  }
  if (!/^postgres(ql)?:\/\//.test(value)) return undefined;
  try {
    const url = new URL(value);
    if (!url.hostname && !url.searchParams.get('host')) return 'databaseUrl names no host';
  } catch {
    return 'databaseUrl is not a valid postgres:// URL';
  }
  return undefined;
}
