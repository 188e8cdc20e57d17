/**
 * Resident memory of the gateway's processes, from /proc (Linux only): now
 * (VmRSS) and the most each process ever held (VmHWM, the kernel's own
 * high-water mark, so no sampling can miss a peak). Summed over processes.
 */
import { readFileSync } from 'node:fs';

function statusKib(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function sumMb(pids: readonly number[], field: 'VmRSS' | 'VmHWM'): number | null {
  let kib = 0;
  for (const pid of pids) {
    const v = statusKib(pid, field);
    if (v === undefined) return null;
    kib += v;
  }
  return kib / 1024;
}

/** MiB resident now, or null where /proc cannot tell. */
export const rssNowMb = (pids: readonly number[]) => sumMb(pids, 'VmRSS');
/** MiB at each process's peak so far, or null where /proc cannot tell. */
export const rssPeakMb = (pids: readonly number[]) => sumMb(pids, 'VmHWM');
