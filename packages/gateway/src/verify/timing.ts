/**
 * Are two kinds of refusal told apart by their timing? Samples of both are
 * taken interleaved (so drift in machine load hits both alike) and compared
 * by their medians; the noise is the width of the medians' 95 % notches
 * (1.58 · IQR / √n, as in notched box plots). Reported, never asserted in
 * the test suite: timings on a shared machine are not deterministic.
 */

export interface TimingSummary {
  n: number;
  medianUs: number;
  iqrUs: number;
  /** Half-width of the median's 95 % notch. */
  notchUs: number;
}

export interface TimingComparison {
  label: string;
  early: TimingSummary;
  late: TimingSummary;
  differenceUs: number;
  /** True when the notches overlap: the medians do not differ beyond the noise. */
  indistinguishable: boolean;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarise(samplesUs: readonly number[]): TimingSummary {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const iqrUs = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  return { n: sorted.length, medianUs: quantile(sorted, 0.5), iqrUs, notchUs: (1.58 * iqrUs) / Math.sqrt(sorted.length) };
}

export function compare(label: string, earlyUs: readonly number[], lateUs: readonly number[]): TimingComparison {
  const early = summarise(earlyUs);
  const late = summarise(lateUs);
  const differenceUs = late.medianUs - early.medianUs;
  return { label, early, late, differenceUs, indistinguishable: Math.abs(differenceUs) <= early.notchUs + late.notchUs };
}

/** Times `run` for each input, alternating between the two lists in a seeded order. */
export async function timeInterleaved<T>(early: readonly T[], late: readonly T[], run: (input: T) => Promise<unknown>, random: () => number): Promise<{ earlyUs: number[]; lateUs: number[] }> {
  const earlyUs: number[] = [];
  const lateUs: number[] = [];
  let i = 0;
  let j = 0;
  while (i < early.length || j < late.length) {
    const takeEarly = j >= late.length || (i < early.length && random() < 0.5);
    const input = takeEarly ? early[i++]! : late[j++]!;
    const started = process.hrtime.bigint();
    await run(input);
    const us = Number(process.hrtime.bigint() - started) / 1000;
    (takeEarly ? earlyUs : lateUs).push(us);
  }
  return { earlyUs, lateUs };
}
