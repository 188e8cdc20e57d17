#!/usr/bin/env node
/**
 * Runs a command (the test runner) with a PostgreSQL server for the tests:
 *
 * - OPENCASHIER_TEST_POSTGRES_URL already set: that server is used as is.
 * - Otherwise a throwaway cluster is created in a temporary directory
 *   (initdb), started on a free loopback port (pg_ctl), and removed when the
 *   command ends. Debian's `postgresql` package is installed first when it is
 *   missing and this runs as root with apt-get (set
 *   OPENCASHIER_TEST_POSTGRES_INSTALL=0 to never install).
 * - When PostgreSQL can be neither found nor installed, the command runs on
 *   SQLite alone and a banner says that PostgreSQL was skipped — unless
 *   OPENCASHIER_TEST_POSTGRES_REQUIRED=1 (CI), which makes that an error.
 *
 * Usage: node scripts/with-test-postgres.mjs <command> [args…]
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-test-postgres.mjs <command> [args…]');
  process.exit(2);
}

const isRoot = userInfo().uid === 0;
/** The throwaway cluster is for tests only: durability is traded for speed on a shared machine. */
const CLUSTER_SETTINGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'];

function banner(lines) {
  const width = Math.max(...lines.map((l) => l.length));
  console.log(`\n${'='.repeat(width)}\n${lines.join('\n')}\n${'='.repeat(width)}\n`);
}

/** The newest installed PostgreSQL's bin directory (Debian layout first, then PATH). */
function findPostgresBin() {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')) && existsSync(join(debian, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(debian, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = which.stdout.trim();
  return which.status === 0 && initdb ? initdb.replace(/\/initdb$/, '') : undefined;
}

function tryInstall() {
  if (process.env.OPENCASHIER_TEST_POSTGRES_INSTALL === '0') return 'installing is turned off (OPENCASHIER_TEST_POSTGRES_INSTALL=0)';
  if (!isRoot) return 'not running as root, so Debian\'s postgresql package cannot be installed here (apt-get install postgresql)';
  if (spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) return 'apt-get is not available';
  console.log('PostgreSQL is not installed: installing Debian\'s postgresql package for the tests…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  if (install()) return undefined;
  spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  return install() ? undefined : 'apt-get install postgresql failed';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL tool; as root, as the `postgres` user (initdb and the server refuse root). */
function runPg(bin, tool, toolArgs) {
  const full = join(bin, tool);
  const result = isRoot ? spawnSync('runuser', ['-u', 'postgres', '--', full, ...toolArgs], { encoding: 'utf8' }) : spawnSync(full, toolArgs, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout || result.error}`);
}

async function startCluster(bin) {
  const dir = mkdtempSync(join(tmpdir(), 'opencashier-test-pg-'));
  if (isRoot) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()));
  const data = join(dir, 'data');
  runPg(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = ['-p', String(port), '-k', dir, ...CLUSTER_SETTINGS].join(' ');
  runPg(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        runPg(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // Already gone: nothing to stop.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const env = { ...process.env };
  let cluster;
  let skipped = false;
  if (env.OPENCASHIER_TEST_POSTGRES_URL) {
    console.log(`Tests run on SQLite and on PostgreSQL at ${env.OPENCASHIER_TEST_POSTGRES_URL.replace(/\/\/[^@]*@/, '//')}.`);
  } else {
    let bin = findPostgresBin();
    let why;
    if (!bin) {
      why = tryInstall();
      bin = why ? undefined : findPostgresBin();
    }
    if (bin) {
      try {
        cluster = await startCluster(bin);
        env.OPENCASHIER_TEST_POSTGRES_URL = cluster.url;
        console.log(`Tests run on SQLite and on a throwaway PostgreSQL cluster (${bin}, ${cluster.url}).`);
      } catch (err) {
        why = `the throwaway cluster did not start: ${err.message}`;
      }
    }
    if (!env.OPENCASHIER_TEST_POSTGRES_URL && process.env.OPENCASHIER_TEST_POSTGRES_REQUIRED === '1') {
      console.error(`PostgreSQL is required for this run but unavailable: ${why ?? 'not installed'}`);
      process.exit(1);
    }
    if (!env.OPENCASHIER_TEST_POSTGRES_URL) {
      skipped = true;
      banner([`PostgreSQL SKIPPED: ${why ?? 'PostgreSQL is not installed'}.`, 'The suite runs on SQLite only. Install PostgreSQL (apt-get install postgresql) or set', 'OPENCASHIER_TEST_POSTGRES_URL=postgres://… to run it on PostgreSQL as well.']);
    }
  }
  const child = spawn(command, args, { stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    cluster?.stop();
    if (skipped) banner(['PostgreSQL was SKIPPED: only SQLite was tested.']);
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
