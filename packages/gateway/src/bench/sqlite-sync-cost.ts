/**
 * `node packages/gateway/dist/bench/sqlite-sync-cost.js [commits]`: what
 * `synchronous=FULL` costs on this machine's disk. Commits one small row at a
 * time — the gateway's pattern: every state change is its own transaction —
 * into a fresh WAL database in the temporary directory, with NORMAL and then
 * FULL, and prints commits per second and the time per commit. Not a test:
 * it reports, nothing asserts a time. The difference is the fsync FULL adds
 * to every commit; `npm run bench` with BENCH_SQLITE_SYNCHRONOUS=FULL shows
 * what it does to order throughput.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** Enough commits for a steady figure on an SSD, few enough to finish in seconds on a slow disk. */
const COMMITS_DEFAULT = 2_000;

function measure(dir: string, synchronous: 'NORMAL' | 'FULL', commits: number): { perSecond: number; perCommitUs: number } {
  const db = new BetterSqlite3(join(dir, `${synchronous}.sqlite`));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('create table t (id integer primary key, at_ms integer not null, payload text not null)');
    const insert = db.prepare('insert into t (at_ms, payload) values (?, ?)');
    const payload = 'x'.repeat(500);
    const startNs = process.hrtime.bigint();
    for (let i = 0; i < commits; i++) {
      db.exec('begin immediate');
      insert.run(Date.now(), payload);
      db.exec('commit');
    }
    const elapsedUs = Number(process.hrtime.bigint() - startNs) / 1000;
    return { perSecond: commits / (elapsedUs / 1e6), perCommitUs: elapsedUs / commits };
  } finally {
    db.close();
  }
}

const commits = Number(process.argv[2] ?? COMMITS_DEFAULT);
if (!Number.isSafeInteger(commits) || commits < 1) throw new Error(`commits must be a positive integer, got ${process.argv[2]}`);
const dir = mkdtempSync(join(tmpdir(), 'opencashier-sync-cost-'));
try {
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    const r = measure(dir, synchronous, commits);
    console.log(`synchronous=${synchronous}: ${Math.round(r.perSecond)} commits/s, ${r.perCommitUs.toFixed(0)} µs per commit (${commits} commits, ${dir})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
