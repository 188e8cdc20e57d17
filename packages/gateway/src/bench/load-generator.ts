/**
 * The load generator: node:http over keep-alive loopback connections, one
 * fresh agent per phase so every phase opens its connections after all
 * gateway workers listen (a keep-alive connection stays with the worker
 * that accepted it). Two shapes of load:
 *
 *   closed loop — a fixed number of requests in flight; each answer sends
 *                 the next. Finds the maximum rate.
 *   open loop   — requests leave on a fixed schedule whatever the answers
 *                 do. Latency is measured from the *scheduled* send time,
 *                 so a stalled gateway cannot hide its stall by slowing the
 *                 generator down (no coordinated omission).
 */

import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

import { PHASE_DURATION_MS_MAX, REQUEST_TIMEOUT_MS } from './limits.js';

export interface WireRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What the merchant needs to open an answer afterwards. */
export interface Answer {
  status: number;
  encryptKey: string | undefined;
  body: string;
}

export type LoadShape = { kind: 'closed'; inFlight: number } | { kind: 'open'; ratePerSecond: number; socketsMax: number };

export interface PhaseResult {
  requested: number;
  /** Requests that answered HTTP 200. */
  ok: number;
  /** Non-200 answers, network errors, timeouts and requests never sent. */
  errors: number;
  /** Count per HTTP status, or per error kind ("ECONNRESET", "timeout", "not sent"). */
  outcomes: Record<string, number>;
  /** From the first send to the last answer. */
  wallMs: number;
  /** One per answered request (HTTP 200 or not), in completion order. */
  latenciesMs: Float64Array;
  /** Kept only when asked, indexed like the requests. */
  answers: (Answer | undefined)[];
  /** Share of the generator thread's time spent running (1 = the generator itself was saturated). */
  generatorLoopUtilization: number;
}

export interface Target {
  host: string;
  port: number;
}

interface Sent {
  index: number;
  startMs: number;
}

export function runPhase(target: Target, requests: readonly WireRequest[], shape: LoadShape, keepAnswers: boolean): Promise<PhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: shape.kind === 'closed' ? shape.inFlight : shape.socketsMax });
  const latencies = new Float64Array(requests.length);
  const answers: (Answer | undefined)[] = keepAnswers ? new Array<Answer | undefined>(requests.length) : [];
  const outcomes: Record<string, number> = {};
  const count = (key: string) => {
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  };
  let answered = 0;
  let ok = 0;
  let launched = 0;
  let abandoned = false;
  const eluStart = performance.eventLoopUtilization();
  const phaseStartMs = performance.now();
  let lastAnswerMs = phaseStartMs;

  return new Promise<PhaseResult>((resolve) => {
    const finishIfDone = () => {
      const inFlight = launched - answered;
      if (inFlight > 0 || (!abandoned && launched < requests.length)) return;
      clearTimeout(deadline);
      if (scheduleTimer !== undefined) clearTimeout(scheduleTimer);
      agent.destroy();
      const notSent = requests.length - launched;
      if (notSent > 0) outcomes['not sent'] = notSent;
      resolve({
        requested: requests.length,
        ok,
        errors: requests.length - ok,
        outcomes,
        wallMs: lastAnswerMs - phaseStartMs,
        latenciesMs: latencies.slice(0, answered),
        answers,
        generatorLoopUtilization: performance.eventLoopUtilization(eluStart).utilization,
      });
    };

    const done = (sent: Sent, outcome: string, answer: Answer | undefined) => {
      const nowMs = performance.now();
      latencies[answered] = nowMs - sent.startMs;
      answered += 1;
      lastAnswerMs = nowMs;
      count(outcome);
      if (outcome === '200') ok += 1;
      if (keepAnswers) answers[sent.index] = answer;
      if (shape.kind === 'closed') launchNext();
      finishIfDone();
    };

    const send = (index: number, startMs: number) => {
      launched += 1;
      const spec = requests[index]!;
      const sent: Sent = { index, startMs };
      let settled = false;
      const settle = (outcome: string, answer?: Answer) => {
        if (settled) return;
        settled = true;
        done(sent, outcome, answer);
      };
      const req = request(
        { host: target.host, port: target.port, method: spec.method, path: spec.path, headers: spec.headers, agent, timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          if (keepAnswers) res.on('data', (chunk: Buffer) => chunks.push(chunk));
          else res.resume();
          res.on('end', () => {
            const encryptKey = res.headers['encryptkey'];
            settle(String(status), keepAnswers ? { status, encryptKey: typeof encryptKey === 'string' ? encryptKey : undefined, body: Buffer.concat(chunks).toString('utf8') } : undefined);
          });
          res.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? 'response error'));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
      req.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? 'request error'));
      req.end(spec.body);
    };

    const launchNext = () => {
      if (abandoned || launched >= requests.length) return;
      send(launched, performance.now());
    };

    // Open loop: send everything whose time has come, then sleep until the next one is due.
    let scheduleTimer: NodeJS.Timeout | undefined;
    const schedule = () => {
      if (shape.kind !== 'open') return;
      const intervalMs = 1000 / shape.ratePerSecond;
      const nowMs = performance.now();
      while (!abandoned && launched < requests.length && phaseStartMs + launched * intervalMs <= nowMs) {
        send(launched, phaseStartMs + launched * intervalMs);
      }
      if (!abandoned && launched < requests.length) {
        scheduleTimer = setTimeout(schedule, Math.max(0, phaseStartMs + launched * intervalMs - performance.now()));
      }
    };

    const deadline = setTimeout(() => {
      abandoned = true;
      finishIfDone();
    }, PHASE_DURATION_MS_MAX);

    if (requests.length === 0) {
      finishIfDone();
      return;
    }
    if (shape.kind === 'closed') {
      for (let i = 0; i < shape.inFlight; i++) launchNext();
    } else {
      schedule();
    }
  });
}
