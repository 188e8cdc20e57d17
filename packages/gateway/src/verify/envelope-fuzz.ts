/**
 * The envelope fuzzing run: genuine requests of one merchant, mutated by
 * `EnvelopeMutator`, sent to the gateway; the tally says how many were
 * accepted (must be 0), how many answered 500 (must be 0) and how many
 * distinct answers the refusals had (must be exactly one per expected code).
 */
import type { KeyObject } from 'node:crypto';
import { sealRequest } from '@opencashier/sdk';
import { EnvelopeMutator, type GenuineRequest, type Mutant, type MutationKind, type NoiseKind } from './envelope-mutations.js';
import { seededRandom } from './seeded-random.js';

export interface FuzzAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type SendRequest = (mutant: Mutant) => Promise<FuzzAnswer>;

export interface FuzzTally {
  sent: number;
  /** Answers other than the refusal: an envelope that opened and verified. */
  accepted: number;
  status500: number;
  /** Distinct answers (status, content type, body) per expected refusal, with their counts. */
  answers: Record<Mutant['expected'], Map<string, number>>;
  byKind: Partial<Record<MutationKind, number>>;
  byNoise: Partial<Record<NoiseKind, number>>;
  /** The first few mutants whose answer was not the expected refusal, for replaying. */
  surprises: { mutant: Mutant; answer: FuzzAnswer }[];
}

const SURPRISES_KEPT = 10;

/** The exact answer every refusal of `code` must be, as the gateway's plain error JSON. */
export function expectedAnswerKey(answer: FuzzAnswer): string {
  return `${answer.status} ${answer.contentType} ${answer.body}`;
}

/** A few genuine `icc/order` and `icc/query` requests of one merchant, each sealed under a seeded AES key. */
export function genuineRequests(options: { merchantId: string; signingKey: KeyObject; gatewayCertificate: KeyObject; seed: number; count: number }): GenuineRequest[] {
  const random = seededRandom(options.seed);
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const requests: GenuineRequest[] = [];
  for (let i = 0; i < options.count; i++) {
    const aesKey = Buffer.from(Array.from({ length: 16 }, () => alnum[Math.floor(random() * alnum.length)]).join(''), 'latin1');
    const requestId = `fuzz-${options.seed}-${i}`;
    const order = i % 2 === 0;
    const payload: Record<string, unknown> = order
      ? {
          merchantId: options.merchantId,
          requestId,
          orderAmount: String(100 + Math.floor(random() * 100_000)),
          orderCurrency: ['USD', 'EUR', 'CNY', 'JPY'][i % 4],
          notifyUrl: 'https://shop.example/notify',
          callbackUrl: 'https://shop.example/return',
          remark: `order ${i}`,
          productDetails: [{ name: 'Tea', quantity: '1', amount: '100', description: 'green' }],
        }
      : { merchantId: options.merchantId, requestId };
    const sealed = sealRequest({ payload, merchantId: options.merchantId, signingKey: options.signingKey, recipient: options.gatewayCertificate, aesKey });
    requests.push({ path: order ? '/icc/order' : '/icc/query', headers: { ...sealed.headers }, body: sealed.body, json: sealed.json, aesKey });
  }
  return requests;
}

/** Sends `count` mutants, `concurrency` at a time, and tallies the answers. */
export async function runEnvelopeFuzz(options: {
  genuine: readonly GenuineRequest[];
  seed: number;
  count: number;
  concurrency: number;
  send: SendRequest;
  onProgress?: (sent: number) => void;
}): Promise<FuzzTally> {
  const mutator = new EnvelopeMutator(options.genuine, options.seed);
  const tally: FuzzTally = { sent: 0, accepted: 0, status500: 0, answers: { ENVELOPE_INVALID: new Map(), MERCHANT_UNKNOWN: new Map() }, byKind: {}, byNoise: {}, surprises: [] };
  let issued = 0;
  const worker = async () => {
    while (issued < options.count) {
      issued++;
      const mutant = mutator.next();
      const answer = await options.send(mutant);
      tally.sent++;
      for (const kind of mutant.kinds) tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1;
      for (const kind of mutant.noise) tally.byNoise[kind] = (tally.byNoise[kind] ?? 0) + 1;
      if (answer.status >= 500) tally.status500++;
      let code: unknown;
      try {
        code = (JSON.parse(answer.body) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      if (answer.status === 200 || code === undefined) tally.accepted++;
      const key = expectedAnswerKey(answer);
      const seen = tally.answers[mutant.expected];
      seen.set(key, (seen.get(key) ?? 0) + 1);
      // A request whose merchantId header names no merchant is refused as such, unless its body could not even be read first.
      const allowed = mutant.expected === 'MERCHANT_UNKNOWN' ? ['MERCHANT_UNKNOWN', 'ENVELOPE_INVALID'] : ['ENVELOPE_INVALID'];
      if (!allowed.includes(String(code)) && tally.surprises.length < SURPRISES_KEPT) tally.surprises.push({ mutant, answer });
      if (options.onProgress && tally.sent % 10_000 === 0) options.onProgress(tally.sent);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return tally;
}
