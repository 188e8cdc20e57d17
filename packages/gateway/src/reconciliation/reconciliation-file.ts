import { createSign, createVerify, type KeyObject, type X509Certificate } from 'node:crypto';
import type { CurrencyCode } from '../domain/currencies.js';
import { dayBoundsMs, localParts } from '../domain/business-day.js';
import { RECONCILIATION_PAGE_ROWS } from '../domain/limits.js';
import { convertMinor } from '../fx/conversion.js';
import { rateOf } from '../fx/fx-pricing.js';
import type { FxQuoteRepository } from '../store/fx-quote-repository.js';
import type { ReconciliationEntry, ReconciliationRepository } from '../store/reconciliation-repository.js';

/**
 * The daily reconciliation file of one merchant (docs: README
 * "Reconciliation files"). CSV, UTF-8, CRLF line ends:
 *
 *   #OPENCASHIER-RECONCILIATION,v1,<merchantId>,<businessDate>,<timeZone>
 *   completeTime,createTime,requestId,serialNumber,orderSerialNumber,type,method,currency,amount,fee,cnyAmount,rate,status
 *   … one row per payment and refund completed in the day, payments first, each in completion order …
 *   #TOTAL,<currency>,<payment count>,<payment amount>,<refund count>,<refund amount>,<fee>     (one per currency, SUCCESS rows)
 *   #TRAILER,<rows>,<payments>,<refunds>,<CNY net = payments − refunds − fees>
 *
 * Amounts are minor units as on the PayEase wire; times are local
 * `yyyy-MM-dd HH:mm:ss`. Nothing in it depends on when it was generated,
 * so a day regenerated with no change in between is byte-identical, and
 * its detached signature (RSA-SHA256 by the gateway key, base64) too.
 */
export const COLUMNS = ['completeTime', 'createTime', 'requestId', 'serialNumber', 'orderSerialNumber', 'type', 'method', 'currency', 'amount', 'fee', 'cnyAmount', 'rate', 'status'] as const;

export interface ReconciliationSource {
  entries: ReconciliationRepository;
  quotes: FxQuoteRepository;
  timeZone: string;
  pageRows?: number;
}

const p2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** Local time text; a fixed offset when the day has no DST change (the common case, and much faster per row). */
function timeFormatter(date: string, timeZone: string): (ms: number) => string {
  const { startMs, endMs } = dayBoundsMs(date, timeZone);
  const slow = (ms: number) => {
    const p = localParts(ms, timeZone);
    return `${p.year}-${p2(p.month)}-${p2(p.day)} ${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}`;
  };
  if (endMs - startMs !== 86_400_000) return slow;
  const start = localParts(startMs, timeZone);
  const offsetMs = Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute, start.second) - startMs;
  // Rows come in completion order, a dozen a second on a busy day: the text of the last second is reused.
  let lastSecond = NaN;
  let lastText = '';
  return (ms) => {
    if (ms < startMs - 86_400_000 || ms >= endMs + 86_400_000) return slow(ms);
    const second = Math.floor(ms / 1000);
    if (second === lastSecond) return lastText;
    const d = new Date(ms + offsetMs);
    lastSecond = second;
    lastText = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    return lastText;
  };
}

/** Quotes CSV fields that need it (requestIds are merchant text). */
const NEEDS_QUOTES = /[",\r\n]|^[=+\-@]/;
function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function methodOf(entry: Pick<ReconciliationEntry, 'product'>): string {
  return entry.product === 'foreignExchange' ? 'FX' : 'CARD';
}

/** The file's text, chunk by chunk (a page of rows each): constant memory whatever the day's volume. */
export async function* reconciliationChunks(source: ReconciliationSource, merchantId: string, date: string): AsyncGenerator<string> {
  const { startMs, endMs } = dayBoundsMs(date, source.timeZone);
  // Two formatters: completion times and creation times each come nearly in order, each reuses its last second.
  const completeTime = timeFormatter(date, source.timeZone);
  const createTime = timeFormatter(date, source.timeZone);
  // Parsed once per distinct rate text, not per row.
  const parsedRates = new Map<string, { units: bigint; scale: number }>();
  yield `#OPENCASHIER-RECONCILIATION,v1,${merchantId},${date},${source.timeZone}\r\n${COLUMNS.join(',')}\r\n`;
  const totals = new Map<CurrencyCode, { payments: number; paid: bigint; refunds: number; refunded: bigint; fee: bigint }>();
  let rows = 0;
  let payments = 0;
  let refunds = 0;
  let cnyNet = 0n;
  for await (const page of source.entries.entries(merchantId, startMs, endMs, source.pageRows ?? RECONCILIATION_PAGE_ROWS)) {
    const rates = await source.quotes.forOrders([...new Set(page.filter((e) => e.currency !== 'CNY').map((e) => e.orderSerialNumber))]);
    let chunk = '';
    for (const e of page) {
      const isCny = e.currency === 'CNY';
      const quote = isCny ? undefined : rates.get(e.orderSerialNumber);
      const usable = quote && quote.quote === 'CNY' && quote.base === e.currency ? quote : undefined;
      let cny: bigint | undefined = isCny ? e.amountMinor : undefined;
      let cnyFee: bigint | undefined = isCny ? e.feeMinor : undefined;
      if (usable) {
        let exact = parsedRates.get(usable.rate);
        if (!exact) parsedRates.set(usable.rate, (exact = rateOf(usable)));
        cny = convertMinor(e.amountMinor, e.currency, 'CNY', exact);
        cnyFee = convertMinor(e.feeMinor, e.currency, 'CNY', exact);
      }
      chunk += `${completeTime(e.completedAtMs)},${createTime(e.createdAtMs)},${csvField(e.requestId)},${e.serialNumber},${e.orderSerialNumber},${e.type},${methodOf(e)},${e.currency},${e.amountMinor},${e.feeMinor},${cny === undefined ? '' : cny},${isCny ? '1' : (usable?.rate ?? '')},${e.status}\r\n`;
      rows += 1;
      if (e.type === 'PAYMENT') payments += 1;
      else refunds += 1;
      if (e.status !== 'SUCCESS') continue;
      const t = totals.get(e.currency) ?? { payments: 0, paid: 0n, refunds: 0, refunded: 0n, fee: 0n };
      if (e.type === 'PAYMENT') {
        t.payments += 1;
        t.paid += e.amountMinor;
        t.fee += e.feeMinor;
        if (cny !== undefined) cnyNet += cny - cnyFee!;
      } else {
        t.refunds += 1;
        t.refunded += e.amountMinor;
        if (cny !== undefined) cnyNet -= cny;
      }
      totals.set(e.currency, t);
    }
    yield chunk;
  }
  let trailer = '';
  for (const [c, t] of [...totals.entries()].sort(([a], [b]) => a.localeCompare(b))) trailer += `#TOTAL,${c},${t.payments},${t.paid},${t.refunds},${t.refunded},${t.fee}\r\n`;
  yield `${trailer}#TRAILER,${rows},${payments},${refunds},${cnyNet}\r\n`;
}

/** Signs a file as it streams past: the detached signature (base64) is ready when the stream ends. */
export async function signChunks(chunks: AsyncIterable<string>, privateKey: KeyObject, sink?: (chunk: string) => void | Promise<void>): Promise<string> {
  const signer = createSign('sha256');
  for await (const chunk of chunks) {
    signer.update(chunk, 'utf8');
    if (sink) await sink(chunk);
  }
  return signer.sign(privateKey, 'base64');
}

/** Checks a file against its detached signature with the gateway certificate (what merchants do). */
export function verifyFile(content: Buffer | string, signatureBase64: string, certificate: X509Certificate): boolean {
  return createVerify('sha256').update(content).verify(certificate.publicKey, signatureBase64, 'base64');
}
