/**
 * `npm run verify:fuzz`: at least a million mutated PayEase v3 requests
 * against the gateway's request handler (in-process, fastify inject), a
 * sample over real HTTP, and a timing comparison of early and late
 * mismatches. Prints the figures and writes them to docs/reliability.md
 * (section "Envelope fuzzing").
 *
 *   node packages/gateway/dist/verify/fuzz.js [--mutants 1000000] [--http 20000] [--timing 3000] [--seed 2026] [--no-write]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { aesEncryptToBase64, loadCertificate, loadPfx } from '@opencashier/sdk';
import { plainErrorBody } from '../protocols/payease/plain-error.js';
import { MUTATION_KINDS, NOISE_KINDS, type GenuineRequest, type Mutant } from './envelope-mutations.js';
import { seededRandom } from './seeded-random.js';
import { genuineRequests, runEnvelopeFuzz, type FuzzAnswer, type FuzzTally } from './envelope-fuzz.js';
import { compare, timeInterleaved, type TimingComparison } from './timing.js';
import { measuredOn, thousands, writeReliabilitySection } from './reliability-doc.js';
import { startVerifyGateway, type VerifyGateway } from './verify-gateway.js';

const { values: args } = parseArgs({
  options: {
    mutants: { type: 'string', default: '1000000' },
    http: { type: 'string', default: '20000' },
    timing: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '2026' },
    threads: { type: 'string', default: '2' },
    'no-write': { type: 'boolean', default: false },
  },
});
const MUTANTS = Number(args.mutants);
const HTTP_MUTANTS = Number(args.http);
const TIMING_SAMPLES = Number(args.timing);
const SEED = Number(args.seed);
const GENUINE_COUNT = 16;

const REFUSAL = {
  ENVELOPE_INVALID: `400 application/json; charset=utf-8 ${JSON.stringify(plainErrorBody('ENVELOPE_INVALID'))}`,
  MERCHANT_UNKNOWN: `400 application/json; charset=utf-8 ${JSON.stringify(plainErrorBody('MERCHANT_UNKNOWN'))}`,
};

function injector(v: VerifyGateway) {
  return async (m: { path: string; headers: Record<string, string>; body: string }): Promise<FuzzAnswer> => {
    const res = await v.gateway.app.inject({ method: 'POST', url: m.path, headers: m.headers, payload: m.body });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
  };
}

async function overHttp(v: VerifyGateway, m: Mutant): Promise<FuzzAnswer> {
  const headers = Object.fromEntries(Object.entries(m.headers).filter(([name]) => name !== 'content-length'));
  const res = await fetch(`${v.baseUrl}${m.path}`, { method: 'POST', headers, body: m.body });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** Mismatch pairs for the timing check: the same request broken at its start or at its end. */
function timingPairs(g: GenuineRequest): { label: string; early: GenuineRequest; late: GenuineRequest }[] {
  const flipAt = (bytes: Buffer, i: number) => {
    const copy = Buffer.from(bytes);
    copy[i] = copy[i]! ^ 0x01;
    return copy;
  };
  const ciphertext = Buffer.from(g.body, 'base64');
  const key = Buffer.from(g.headers['encryptKey']!, 'base64');
  const payload = JSON.parse(g.json) as Record<string, string>;
  const signature = Buffer.from(payload['hmac']!, 'base64');
  const resealed = (p: Record<string, unknown>) => ({ ...g, body: aesEncryptToBase64(JSON.stringify(p), g.aesKey) });
  const fields = Object.keys(payload).filter((k) => k !== 'hmac' && typeof payload[k] === 'string').sort();
  const changeField = (field: string) => ({ ...payload, [field]: `${payload[field]!.slice(0, -1)}${payload[field]!.endsWith('x') ? 'y' : 'x'}` });
  return [
    { label: 'signature: first byte vs last byte wrong', early: resealed({ ...payload, hmac: flipAt(signature, 0).toString('base64') }), late: resealed({ ...payload, hmac: flipAt(signature, signature.length - 1).toString('base64') }) },
    { label: 'signed content: first vs last signed field changed', early: resealed(changeField(fields[0]!)), late: resealed(changeField(fields[fields.length - 1]!)) },
    { label: 'ciphertext: first vs last AES block changed', early: { ...g, body: flipAt(ciphertext, 0).toString('base64') }, late: { ...g, body: flipAt(ciphertext, ciphertext.length - 1).toString('base64') } },
    {
      label: 'wrapped key: first vs last byte changed',
      early: { ...g, headers: { ...g.headers, encryptKey: flipAt(key, 0).toString('base64') } },
      late: { ...g, headers: { ...g.headers, encryptKey: flipAt(key, key.length - 1).toString('base64') } },
    },
  ];
}

async function orderCount(v: VerifyGateway): Promise<number> {
  const row = await v.gateway.database.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

function answersLine(answers: Map<string, number>): string {
  return [...answers.entries()].map(([key, n]) => `${thousands(n)} × \`${key.slice(0, 3)} ${JSON.parse(key.slice(key.indexOf('{'))).code}\``).join(', ') || 'none';
}

function uniform(tally: FuzzTally): boolean {
  const env = [...tally.answers.ENVELOPE_INVALID.keys()];
  const unknown = [...tally.answers.MERCHANT_UNKNOWN.keys()];
  return env.length === 1 && env[0] === REFUSAL.ENVELOPE_INVALID && unknown.every((k) => k === REFUSAL.MERCHANT_UNKNOWN || k === REFUSAL.ENVELOPE_INVALID);
}

async function main(): Promise<void> {
  const v = await startVerifyGateway({ OPENCASHIER_CRYPTO_THREADS: args.threads });
  // A live merchant: a sandbox merchant's refusals also say which check failed, by design.
  await v.gateway.merchants.setSandbox(v.merchant.merchantId, false);
  try {
    const pfx = loadPfx(readFileSync(v.merchant.pfxPath), v.merchant.pfxPassword);
    const gatewayCertificate = loadCertificate(readFileSync(v.merchant.gatewayCertPath)).publicKey;
    const genuine = genuineRequests({ merchantId: v.merchant.merchantId, signingKey: pfx.privateKey, gatewayCertificate, seed: SEED, count: GENUINE_COUNT });
    const inject = injector(v);
    for (const g of genuine) {
      const answer = await inject(g);
      if (answer.status !== 200) throw new Error(`a genuine request was refused: ${answer.body}`);
    }
    const ordersBefore = await orderCount(v);

    const started = Date.now();
    console.error(`envelope fuzzing: ${thousands(MUTANTS)} mutants in-process, seed ${SEED}`);
    const tally = await runEnvelopeFuzz({
      genuine,
      seed: SEED,
      count: MUTANTS,
      concurrency: 16,
      send: inject,
      onProgress: (sent) => {
        if (sent % 50_000 === 0) console.error(`  ${thousands(sent)} sent, ${Math.round(sent / ((Date.now() - started) / 1000))}/s`);
      },
    });
    const inProcessSeconds = (Date.now() - started) / 1000;

    console.error(`over HTTP: ${thousands(HTTP_MUTANTS)} mutants`);
    const httpStarted = Date.now();
    const httpTally = await runEnvelopeFuzz({ genuine, seed: SEED + 1, count: HTTP_MUTANTS, concurrency: 8, send: (m) => overHttp(v, m) });
    const httpSeconds = (Date.now() - httpStarted) / 1000;
    const ordersAfter = await orderCount(v);

    console.error(`timing: ${thousands(TIMING_SAMPLES)} samples per side`);
    const random = seededRandom(SEED + 2);
    const comparisons: TimingComparison[] = [];
    for (const pair of timingPairs(genuine[1]!)) {
      const warm = Array.from({ length: Math.min(300, TIMING_SAMPLES) }, () => pair.early);
      await timeInterleaved(warm, warm, inject, random);
      const { earlyUs, lateUs } = await timeInterleaved(Array(TIMING_SAMPLES).fill(pair.early), Array(TIMING_SAMPLES).fill(pair.late), inject, random);
      comparisons.push(compare(pair.label, earlyUs, lateUs));
    }

    const total = tally.sent + httpTally.sent;
    const accepted = tally.accepted + httpTally.accepted;
    const status500 = tally.status500 + httpTally.status500;
    const ok = accepted === 0 && status500 === 0 && uniform(tally) && uniform(httpTally) && tally.surprises.length === 0 && httpTally.surprises.length === 0 && ordersBefore === ordersAfter;
    const kindRows = MUTATION_KINDS.map((k) => `| \`${k}\` | ${thousands(tally.byKind[k] ?? 0)} |`).join('\n');
    const noiseRows = NOISE_KINDS.map((k) => `\`${k}\` ${thousands(tally.byNoise[k] ?? 0)}`).join(', ');
    const timingRows = comparisons
      .map((c) => `| ${c.label} | ${c.early.medianUs.toFixed(0)} | ${c.late.medianUs.toFixed(0)} | ${c.differenceUs.toFixed(1)} | ±${(c.early.notchUs + c.late.notchUs).toFixed(1)} | ${c.indistinguishable ? 'yes' : '**no**'} |`)
      .join('\n');
    const section = `
Command: \`npm run verify:fuzz\` (short seeded version in \`npm test\`: \`packages/gateway/test/security/envelope-fuzz.test.ts\`). ${measuredOn()}, seed ${SEED}.

**${thousands(total)} mutated requests: ${thousands(accepted)} accepted, ${thousands(status500)} answered 500, ${uniform(tally) && uniform(httpTally) ? 'one uniform refusal' : '**answers not uniform**'}.** ${ok ? 'Pass.' : '**FAIL.**'}

- In-process (fastify inject, ${args.threads} envelope threads): ${thousands(tally.sent)} mutants in ${inProcessSeconds.toFixed(0)} s; answers: ${answersLine(tally.answers.ENVELOPE_INVALID)} where the merchant header was intact; ${answersLine(tally.answers.MERCHANT_UNKNOWN)} where it was altered or removed.
- Over real HTTP: ${thousands(httpTally.sent)} mutants in ${httpSeconds.toFixed(0)} s; answers: ${answersLine(httpTally.answers.ENVELOPE_INVALID)}; ${answersLine(httpTally.answers.MERCHANT_UNKNOWN)} with the merchant header altered.
- Every refusal of a request naming the merchant is byte-identical: HTTP 400, \`${JSON.stringify(plainErrorBody('ENVELOPE_INVALID'))}\`. A merchantId header that names no merchant is answered \`MERCHANT_UNKNOWN\` (merchant ids are not secret), or \`ENVELOPE_INVALID\` when the body could not even be read.
- Orders written by the mutants: ${ordersBefore === ordersAfter ? '0' : `**${ordersAfter - ordersBefore}**`}.
- Noise added to some mutants, which must not change the answer: ${noiseRows}.

| mutation | mutants |
| --- | ---: |
${kindRows}

Timing of early and late mismatches (in-process, interleaved, ${thousands(TIMING_SAMPLES)} samples each; the noise is the sum of the two medians' 95 % notch half-widths). Reported only; the test suite never asserts timings.

| mismatch | early median µs | late median µs | difference µs | noise µs | indistinguishable |
| --- | ---: | ---: | ---: | ---: | --- |
${timingRows}
`;
    console.log(section);
    if (!args['no-write']) console.error(`written to ${writeReliabilitySection('Envelope fuzzing', section)}`);
    if (!ok) {
      console.error(JSON.stringify([...tally.surprises, ...httpTally.surprises].slice(0, 5), null, 2));
      process.exitCode = 1;
    }
  } finally {
    await v.close();
  }
}

await main();
