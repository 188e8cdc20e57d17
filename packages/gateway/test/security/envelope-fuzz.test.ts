import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificate, loadPfx } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { EnvelopeMutator, MUTATION_KINDS, NOISE_KINDS, type GenuineRequest, type Mutant } from '../../src/verify/envelope-mutations.js';
import { genuineRequests, runEnvelopeFuzz, type FuzzAnswer } from '../../src/verify/envelope-fuzz.js';
import { plainErrorBody } from '../../src/protocols/payease/plain-error.js';

/**
 * The short, seeded version of `npm run verify:fuzz`: a few thousand mutated
 * PayEase requests (bit flips in the ciphertext, the wrapped key and the
 * signature, truncations, wrong lengths, altered headers) are all refused
 * with one byte-identical answer, none answers 500, and nothing is written.
 * No timings are asserted here; the long run reports them.
 */
const SEED = 0x9b_f022;
const MUTANTS_IN_PROCESS = 2_500;
const MUTANTS_OVER_HTTP = 150;

describe.each(testDatabases())('envelope fuzzing (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let genuine: GenuineRequest[];

  const orderCount = async () => Number((await t.gateway.database.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  const inject = async (m: { path: string; headers: Record<string, string>; body: string }): Promise<FuzzAnswer> => {
    const res = await t.gateway.app.inject({ method: 'POST', url: m.path, headers: m.headers, payload: m.body });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
  };

  const overHttp = async (m: Mutant): Promise<FuzzAnswer> => {
    // fetch sets the length itself and will not send one that disagrees with the body.
    const headers = Object.fromEntries(Object.entries(m.headers).filter(([name]) => name !== 'content-length'));
    const res = await fetch(`${t.baseUrl}${m.path}`, { method: 'POST', headers, body: m.body });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
  };

  const refusal = (code: 'ENVELOPE_INVALID' | 'MERCHANT_UNKNOWN') => `400 application/json; charset=utf-8 ${JSON.stringify(plainErrorBody(code))}`;

  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0' }, { background: false });
    // A live merchant: only sandbox merchants are told which envelope check failed.
    await t.gateway.merchants.setSandbox(t.merchant.merchantId, false);
    const pfx = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
    const gatewayCertificate = loadCertificate(readFileSync(t.merchant.gatewayCertPath)).publicKey;
    genuine = genuineRequests({ merchantId: t.merchant.merchantId, signingKey: pfx.privateKey, gatewayCertificate, seed: SEED, count: 6 });
  });
  afterAll(async () => t?.close());

  it('accepts the genuine requests the mutants are made from', async () => {
    for (const g of genuine) {
      const answer = await inject(g);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toHaveProperty('data');
    }
  });

  it('never produces a mutant identical to a genuine request (that would be a replay, rightly accepted)', () => {
    const mutator = new EnvelopeMutator(genuine, SEED + 2);
    const key = (r: { path: string; headers: Record<string, string>; body: string }) => `${r.path} ${JSON.stringify(Object.entries(r.headers).sort())} ${r.body}`;
    const genuineKeys = new Set(genuine.map(key));
    let identical = 0;
    for (let i = 0; i < 50_000; i++) if (genuineKeys.has(key(mutator.next()))) identical++;
    expect(identical).toBe(0);
  });

  it(`refuses ${MUTANTS_IN_PROCESS} seeded mutants with one byte-identical answer, never 500, writing nothing`, async () => {
    const before = await orderCount();
    const tally = await runEnvelopeFuzz({ genuine, seed: SEED, count: MUTANTS_IN_PROCESS, concurrency: 4, send: inject });
    expect(tally.surprises).toEqual([]);
    expect(tally.sent).toBe(MUTANTS_IN_PROCESS);
    expect(tally.accepted).toBe(0);
    expect(tally.status500).toBe(0);
    expect([...tally.answers.ENVELOPE_INVALID.keys()]).toEqual([refusal('ENVELOPE_INVALID')]);
    expect([...tally.answers.MERCHANT_UNKNOWN.keys()].sort()).toEqual([refusal('ENVELOPE_INVALID'), refusal('MERCHANT_UNKNOWN')].sort());
    // Every kind of mutation was exercised, not just the common ones.
    expect(Object.keys(tally.byKind).sort()).toEqual([...MUTATION_KINDS].sort());
    expect(Object.keys(tally.byNoise).sort()).toEqual([...NOISE_KINDS].sort());
    expect(await orderCount()).toBe(before);
  });

  it(`refuses ${MUTANTS_OVER_HTTP} mutants sent over real HTTP the same way`, async () => {
    const before = await orderCount();
    const tally = await runEnvelopeFuzz({ genuine, seed: SEED + 1, count: MUTANTS_OVER_HTTP, concurrency: 4, send: overHttp });
    expect(tally.surprises).toEqual([]);
    expect(tally.accepted).toBe(0);
    expect(tally.status500).toBe(0);
    expect([...tally.answers.ENVELOPE_INVALID.keys()]).toEqual([refusal('ENVELOPE_INVALID')]);
    expect(await orderCount()).toBe(before);
  });
});
