import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { isAmountMinorString } from '@opencashier/sdk';
import { loadConfig } from '../config.js';
import { createGateway, type Gateway } from '../app.js';
import { DISPUTE_OUTCOMES, DISPUTE_STAGES, DISPUTE_STATUSES, type DisputeActor, type DisputeOutcome, type DisputeStage, type DisputeStatus } from '../domain/dispute.js';
import { GatewayError } from '../domain/errors.js';
import { DISPUTE_LIST_PAGE_MAX } from '../domain/limits.js';
import type { AmountMinor } from '../domain/money.js';
import { disputeEventJson, disputeJson, evidenceJson } from '../admin/dispute-json.js';

/**
 * Runs `task` against the configured store and prints its JSON. Changes
 * commit with their notifications; the running gateway delivers them.
 * A refusal prints its code and exits 2.
 */
async function withGateway(task: (g: Gateway) => Promise<unknown>): Promise<void> {
  const gateway = await createGateway(loadConfig(), { migrate: false });
  try {
    console.log(JSON.stringify(await task(gateway), null, 2));
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    console.error(`opencashier: ${error.code}: ${error.message}`);
    process.exitCode = 2;
  } finally {
    await gateway.close();
  }
}

function actor(by: string | undefined): DisputeActor {
  return { kind: 'OPERATOR', name: by ?? `cli:${userInfo().username}` };
}

function choice<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new GatewayError('FIELD_INVALID', { field: option, reason: allowed.join(', ') });
  return value as T;
}

function amount(value: string | undefined): AmountMinor | undefined {
  if (value === undefined) return undefined;
  if (!isAmountMinorString(value) || value === '0') throw new GatewayError('AMOUNT_INVALID', { field: '--amount' });
  return BigInt(value) as AmountMinor;
}

function days(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** `opencashier dispute open|escalate|decide|list|show|notify-url`: cases an acquirer reports by file or e-mail. */
export function disputeCommands(program: Command): void {
  const dispute = program.command('dispute').description('chargebacks and retrieval requests');
  dispute
    .command('open')
    .description('open a case on a paid order (the merchant is notified)')
    .requiredOption('--order <serialNumber>', "the order's serialNumber")
    .requiredOption('--stage <stage>', 'RETRIEVAL or CHARGEBACK')
    .option('--reason-code <code>', 'scheme reason code, e.g. 4837 or 10.4')
    .option('--reason-text <text>')
    .option('--amount <minor>', 'disputed amount in minor units (default: the whole order)')
    .option('--respond-by-days <days>', 'days the merchant has to answer (default by stage)')
    .option('--reference <acquirerCaseId>', "the acquirer's case number; opening it again answers the same case")
    .option('--note <text>')
    .option('--by <operator>')
    .action(async (o: { order: string; stage: string; reasonCode?: string; reasonText?: string; amount?: string; respondByDays?: string; reference?: string; note?: string; by?: string }) => {
      await withGateway(async (g) => {
        const stage = choice<DisputeStage>(o.stage, ['RETRIEVAL', 'CHARGEBACK'], '--stage');
        const amountMinor = amount(o.amount);
        const respondByDays = days(o.respondByDays);
        return disputeJson(
          await g.disputes.open(
            {
              orderId: o.order,
              stage,
              ...(o.reasonCode !== undefined ? { reasonCode: o.reasonCode } : {}),
              ...(o.reasonText !== undefined ? { reasonText: o.reasonText } : {}),
              ...(amountMinor !== undefined ? { amountMinor } : {}),
              ...(respondByDays !== undefined ? { respondByDays } : {}),
              ...(o.reference !== undefined ? { acquirerReference: o.reference } : {}),
              ...(o.note !== undefined ? { note: o.note } : {}),
            },
            actor(o.by),
          ),
        );
      });
    });
  dispute
    .command('escalate')
    .description('retrieval request → chargeback, or defended chargeback → pre-arbitration; the case reopens')
    .requiredOption('--id <disputeId>')
    .option('--stage <stage>', 'CHARGEBACK or PRE_ARBITRATION (default: the next one)')
    .option('--amount <minor>', 'a new disputed amount (only while no money is held)')
    .option('--reason-code <code>')
    .option('--respond-by-days <days>')
    .option('--note <text>')
    .option('--by <operator>')
    .action(async (o: { id: string; stage?: string; amount?: string; reasonCode?: string; respondByDays?: string; note?: string; by?: string }) => {
      await withGateway(async (g) => {
        const stage = o.stage === undefined ? undefined : choice<DisputeStage>(o.stage, DISPUTE_STAGES, '--stage');
        const amountMinor = amount(o.amount);
        const respondByDays = days(o.respondByDays);
        return disputeJson(
          await g.disputes.escalate(
            o.id,
            {
              ...(stage !== undefined ? { stage } : {}),
              ...(amountMinor !== undefined ? { amountMinor } : {}),
              ...(o.reasonCode !== undefined ? { reasonCode: o.reasonCode } : {}),
              ...(respondByDays !== undefined ? { respondByDays } : {}),
              ...(o.note !== undefined ? { note: o.note } : {}),
            },
            actor(o.by),
          ),
        );
      });
    });
  dispute
    .command('decide')
    .description("record the acquirer's outcome: WON or REVERSED give the money back, LOST or ACCEPTED leave it taken")
    .requiredOption('--id <disputeId>')
    .requiredOption('--outcome <outcome>', DISPUTE_OUTCOMES.join(' | '))
    .option('--note <text>')
    .option('--by <operator>')
    .action(async (o: { id: string; outcome: string; note?: string; by?: string }) => {
      await withGateway(async (g) => disputeJson(await g.disputes.decide(o.id, choice<DisputeOutcome>(o.outcome, DISPUTE_OUTCOMES, '--outcome'), actor(o.by), o.note)));
    });
  dispute
    .command('list')
    .description('cases, newest first')
    .option('--merchant <merchantId>')
    .option('--order <serialNumber>')
    .option('--status <status>', DISPUTE_STATUSES.join(' | '))
    .option('--stage <stage>', DISPUTE_STAGES.join(' | '))
    .option('--limit <n>', `at most ${DISPUTE_LIST_PAGE_MAX}`)
    .action(async (o: { merchant?: string; order?: string; status?: string; stage?: string; limit?: string }) => {
      await withGateway(async (g) => {
        const status = o.status === undefined ? undefined : choice<DisputeStatus>(o.status, DISPUTE_STATUSES, '--status');
        const stage = o.stage === undefined ? undefined : choice<DisputeStage>(o.stage, DISPUTE_STAGES, '--stage');
        const limit = Math.min(Number(o.limit ?? DISPUTE_LIST_PAGE_MAX) || DISPUTE_LIST_PAGE_MAX, DISPUTE_LIST_PAGE_MAX);
        const list = await g.disputes.list({ limit, ...(o.merchant ? { merchantId: o.merchant } : {}), ...(o.order ? { orderId: o.order } : {}), ...(status ? { status } : {}), ...(stage ? { stage } : {}) });
        return list.map(disputeJson);
      });
    });
  dispute
    .command('show')
    .description('one case with its history and the evidence the merchant sent')
    .requiredOption('--id <disputeId>')
    .action(async (o: { id: string }) => {
      await withGateway(async (g) => {
        const d = await g.disputes.find(o.id);
        if (!d) throw new GatewayError('DISPUTE_NOT_FOUND');
        return { ...disputeJson(d), history: (await g.disputes.history(o.id)).map(disputeEventJson), evidence: (await g.disputes.evidence(o.id)).map(evidenceJson) };
      });
    });
  dispute
    .command('notify-url')
    .description("set where a merchant's dispute notifications go (default: each order's notifyUrl)")
    .requiredOption('--merchant <merchantId>')
    .option('--url <url>', 'an http(s) URL on a host allowed for the merchant')
    .option('--clear', "go back to each order's notifyUrl", false)
    .action(async (o: { merchant: string; url?: string; clear: boolean }) => {
      await withGateway(async (g) => {
        if (!o.clear && o.url === undefined) throw new GatewayError('FIELD_MISSING', { field: '--url' });
        await g.disputes.setNotifyUrl(o.merchant, o.clear ? null : o.url!);
        return { merchantId: o.merchant, disputeNotifyUrl: await g.disputes.notifyUrl(o.merchant) };
      });
    });
}
