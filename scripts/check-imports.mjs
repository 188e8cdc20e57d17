#!/usr/bin/env node
/**
 * The gateway's import directions, checked on every test run:
 *
 *   1. domain/ imports nothing of the gateway outside domain/.
 *   2. A channel (a folder of channels/) imports only domain/, its own folder
 *      and the shared channel helpers (CHANNEL_HELPERS).
 *   3. A dialect (a folder of protocols/) never imports another dialect.
 *   4. Only channels/index.ts and protocols/index.ts name a concrete module,
 *      and nothing outside channels/ reaches into a channel's folder.
 *   5. No import cycles (imports erased at compile time, `import type`, are
 *      left out: they cannot form a cycle at run time).
 *
 * Where today's code breaks a rule, the import is listed in ALLOWED below with
 * the reason. The list only shrinks: an allowed import that is gone is
 * reported, so its entry is deleted with it.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'gateway', 'src');

/** `from → to` pairs (paths under src/) that break a rule today, each with why it is still here. */
const ALLOWED = new Map([
  // The fee plan converts with the FX desk's rounding, which lives in fx/.
  ['domain/fee-plan.ts -> fx/conversion.ts', 'currency conversion is still in fx/, not domain/'],
  // The remittance service matches postscripts with the offline channel's normalisation.
  ['onlinepay/remittance-service.ts -> channels/offline-remittance/index.ts', 'postscript normalisation belongs to the domain, not the channel'],
  // The integration page lists the sandbox's magic cards.
  ['portal/integration-routes.ts -> channels/sandbox-card/magic-cards.ts', 'the magic cards should come from the channel module descriptor'],
  // Cross-border is a PayEase feature (its envelope handlers) and runs the sandbox FX desk and customs office by default.
  ...[
    'cross-border/index.ts -> channels/sandbox-customs/index.ts',
    'cross-border/index.ts -> channels/sandbox-fx-desk/index.ts',
  ].map((k) => [k, 'the FX desk and customs office are not channel modules yet']),
  // The sandbox payer pages name the sandbox bank's list of banks.
  ['simulator/routes.ts -> channels/sandbox-bank/index.ts', 'the simulator page lists the sandbox banks'],
]);

/** Cycles that exist today, with why; each entry is the cycle's files, sorted. */
const ALLOWED_CYCLES = new Map([
  // main.ts registers the cross-border commands, which call back into main's shared option helpers.
  ['cli/cross-border-commands.ts <-> cli/main.ts', 'the CLI helpers should move out of main.ts into a module of their own'],
]);
const usedCycles = new Set();

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The gateway files a file imports: [{ target, typeOnly }], targets relative to src/ with forward slashes. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const found = [];
  const add = (spec, typeOnly) => {
    if (!spec.startsWith('.')) return;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    const withIndex = existsSync(target) ? target : `${target}.ts`;
    found.push({ target: relative(ROOT, withIndex).split(sep).join('/'), typeOnly });
  };
  for (const m of text.matchAll(IMPORT)) {
    const clause = m[0];
    // `import { type A, type B }` is erased as well as `import type`.
    const allTypes = /\{([^}]*)\}/.exec(clause)?.[1]?.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type ')) ?? false;
    add(m[3], Boolean(m[2]) || (allTypes && !/import\s+[A-Za-z_$][\w$]*\s*,/.test(clause)));
  }
  for (const m of text.matchAll(DYNAMIC)) add(m[1], false);
  return found;
}

const top = (path) => path.split('/')[0];
const folderOf = (path) => path.split('/').slice(0, 2).join('/');
/** Folders of channels/ that are shared helpers of the channel modules, not channels themselves. */
const CHANNEL_HELPERS = new Set(['channels/payer-simulator', 'channels/sandbox-callbacks', 'channels/sandbox-settings']);
const isChannelModuleFolder = (folder) => folder.startsWith('channels/') && !CHANNEL_HELPERS.has(folder);
const inSubfolder = (path) => path.split('/').length > 2;

function violation(from, to) {
  const fromTop = top(from);
  const toTop = top(to);
  if (fromTop === 'domain' && toTop !== 'domain') return 'domain/ imports only domain/';
  if (fromTop === 'channels' && inSubfolder(from)) {
    if (toTop === 'domain') return undefined;
    if (folderOf(to) === folderOf(from)) return undefined;
    if (toTop === 'channels' && inSubfolder(to) && !isChannelModuleFolder(folderOf(to))) return undefined;
    return 'a channel imports only domain/, its own folder and the shared channel helpers';
  }
  if (fromTop === 'protocols' && toTop === 'protocols' && inSubfolder(from) && inSubfolder(to) && folderOf(from) !== folderOf(to)) return 'a dialect never imports another dialect';
  if (toTop === 'channels' && inSubfolder(to) && isChannelModuleFolder(folderOf(to)) && fromTop !== 'channels') {
    if (from === 'channels/index.ts') return undefined;
    return 'only channels/index.ts names a channel module';
  }
  if (/^protocols\/[^/]+\/module\.ts$/.test(to) && from !== 'protocols/index.ts') return 'only protocols/index.ts names a dialect module';
  return undefined;
}

const files = walk(ROOT).map((f) => relative(ROOT, f).split(sep).join('/'));
const graph = new Map();
const problems = [];
const usedAllowances = new Set();
for (const file of files) {
  const imports = importsOf(join(ROOT, file));
  graph.set(file, imports.filter((i) => !i.typeOnly).map((i) => i.target));
  for (const { target } of imports) {
    const broken = violation(file, target);
    if (!broken) continue;
    const key = `${file} -> ${target}`;
    if (ALLOWED.has(key)) usedAllowances.add(key);
    else problems.push(`${key}: ${broken}`);
  }
}
for (const key of ALLOWED.keys()) if (!usedAllowances.has(key)) problems.push(`${key}: allowed, but no longer imported; delete its entry in scripts/check-imports.mjs`);

// Cycles: Tarjan's strongly connected components over run-time imports.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function connect(v) {
  state.set(v, { index, low: index, onStack: true });
  index += 1;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!state.has(w)) {
      connect(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const v of graph.keys()) if (!state.has(v)) connect(v);
for (const c of cycles) {
  const key = c.join(' <-> ');
  if (ALLOWED_CYCLES.has(key)) usedCycles.add(key);
  else problems.push(`import cycle: ${key}`);
}
for (const key of ALLOWED_CYCLES.keys()) if (!usedCycles.has(key)) problems.push(`${key}: allowed cycle, but gone; delete its entry in scripts/check-imports.mjs`);

if (problems.length > 0) {
  console.error(`import directions: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`import directions: ${files.length} files checked, ${ALLOWED.size + ALLOWED_CYCLES.size} allowed exceptions`);
