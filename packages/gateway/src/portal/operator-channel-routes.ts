import { PAYMENT_METHODS } from '../domain/payment-method.js';
import type { OperationFigures } from '../channels/call-recorder.js';
import type { OperatorConsoleDeps } from './operator-deps.js';
import { portalError } from './portal-error.js';
import type { PortalRoute } from './route-table.js';
import { queryOf } from './request-fields.js';

const HOUR_MS = 60 * 60 * 1000;
/** Orders read for one health report: enough for a busy day on a small gateway; the answer says when it was cut. */
const HEALTH_ROWS_MAX = 20_000;

interface ChannelHealth {
  channel: string;
  methods: string[];
  currencies: string[];
  orders: number;
  succeeded: number;
  failed: number;
  pending: number;
  /** Of `failed`: refused by the issuer or risk control — the channel worked. */
  declined: number;
  /** Channel errors (processing errors, outcomes left unknown) among the orders that reached an outcome, in basis points. */
  errorRateBps: number | null;
  /** Declines among the orders that reached an outcome, in basis points. */
  declineRateBps: number | null;
  /** From order creation to the channel's outcome: the median and the 95th percentile. */
  outcomeP50Ms: number | null;
  outcomeP95Ms: number | null;
  lastOutcomeAtMs: number | null;
  /** The channel's own answer times and failures per operation, since this node started. */
  calls: OperationFigures[];
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/**
 * A failure that says the channel is unwell: an outcome it never gave, or a
 * processing error. A decline (do not honour, insufficient funds, a risk
 * refusal…) is the channel working as it should, and is counted apart.
 */
function isChannelError(r: { state: string; decline_code: string | null }): boolean {
  if (r.state === 'UNKNOWN') return true;
  return r.state === 'FAILED' && (r.decline_code === null || r.decline_code === 'PROCESSING_ERROR');
}

/**
 * Channel health from what the gateway records of every order: how many
 * each channel took over a window, how many it declined or failed, how long
 * outcomes took, and when the last one came; with the channel's own answer
 * times per operation, timed on this node. Which merchant takes which
 * method (and so which channel) is set on the merchant's page.
 */
export function operatorChannelRoutes(deps: () => OperatorConsoleDeps): PortalRoute[] {
  return [
    {
      method: 'GET',
      url: '/o/channels',
      permission: 'operator.view',
      handler: async (_ctx, request) => {
        const d = deps();
        const hoursText = queryOf(request).hours ?? '24';
        if (!/^\d{1,3}$/.test(hoursText) || Number(hoursText) < 1 || Number(hoursText) > 720) throw portalError('FIELD_INVALID', { field: 'hours', reason: 'a whole number from 1 to 720' });
        const sinceMs = d.clock() - Number(hoursText) * HOUR_MS;
        const rows = await d.db
          .selectFrom('orders')
          .select(['channel', 'state', 'decline_code', 'created_at_ms', 'completed_at_ms'])
          .where('created_at_ms', '>=', BigInt(sinceMs))
          .where('channel', 'is not', null)
          .orderBy('created_at_ms', 'desc')
          .limit(HEALTH_ROWS_MAX)
          .execute();
        const byChannel = new Map<string, { rows: typeof rows; durations: number[] }>();
        for (const name of d.channels.names()) byChannel.set(name, { rows: [], durations: [] });
        for (const r of rows) {
          const entry = byChannel.get(r.channel!) ?? { rows: [], durations: [] };
          entry.rows.push(r);
          if (r.completed_at_ms !== null) entry.durations.push(Number(r.completed_at_ms) - Number(r.created_at_ms));
          byChannel.set(r.channel!, entry);
        }
        const channels: ChannelHealth[] = [...byChannel.entries()].map(([channel, { rows: list, durations }]) => {
          const succeeded = list.filter((r) => r.state === 'SUCCESS').length;
          const failed = list.filter((r) => r.state === 'FAILED' || r.state === 'UNKNOWN').length;
          const errors = list.filter(isChannelError).length;
          const decided = succeeded + failed;
          const sorted = durations.filter((ms) => ms >= 0).sort((a, b) => a - b);
          const completed = list.map((r) => (r.completed_at_ms === null ? 0 : Number(r.completed_at_ms)));
          const capabilities = d.channels.has(channel) ? d.channels.get(channel).capabilities : undefined;
          return {
            channel,
            methods: d.channels.has(channel) ? PAYMENT_METHODS.filter((m) => d.channels.methodsOf(channel).includes(m)) : [],
            currencies: capabilities ? [...capabilities.currencies] : [],
            orders: list.length,
            succeeded,
            failed,
            pending: list.length - decided,
            declined: failed - errors,
            errorRateBps: decided === 0 ? null : Math.round((errors * 10_000) / decided),
            declineRateBps: decided === 0 ? null : Math.round(((failed - errors) * 10_000) / decided),
            outcomeP50Ms: percentile(sorted, 50),
            outcomeP95Ms: percentile(sorted, 95),
            lastOutcomeAtMs: completed.length === 0 || Math.max(...completed) === 0 ? null : Math.max(...completed),
            calls: d.channelCalls.figures(channel),
          };
        });
        return { sinceMs, truncated: rows.length === HEALTH_ROWS_MAX, channels };
      },
    },
  ];
}
