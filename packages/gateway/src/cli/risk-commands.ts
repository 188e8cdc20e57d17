import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createGateway, type Gateway } from '../app.js';
import { GatewayError } from '../domain/errors.js';
import { attemptJson } from '../admin/risk-routes.js';
import { formatRuleErrors, readRuleFile } from '../risk/risk-control.js';
import { parseRuleFile } from '../risk/rule-set.js';
import { RISK_LISTING_MAX } from '../risk/limits.js';
import { isListKind, isListName } from '../risk/lists.js';
import { isRiskAction } from '../risk/decision.js';

/** Runs a task against the configured gateway (store, rules, channel) without serving HTTP. */
async function withGateway(task: (g: Gateway) => Promise<unknown>): Promise<void> {
  const gateway = await createGateway(loadConfig(), { migrate: false });
  try {
    const out = await task(gateway);
    if (out !== undefined) console.log(typeof out === 'string' ? out : JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    console.error(`opencashier: ${error.code}: ${error.message}`);
    process.exitCode = 2;
  } finally {
    await gateway.close();
  }
}

function refuseRules(errors: readonly { line: number; path: string; cause: string }[]): void {
  for (const line of formatRuleErrors(errors)) console.error(`opencashier: ${line}`);
  console.error('opencashier: the rules in force are unchanged');
  process.exitCode = 2;
}

/** `opencashier risk …`: rules, lists, decided attempts and the review queue. */
export function riskCommands(program: Command): void {
  const risk = program.command('risk').description('risk control: rules, block and allow lists, reviews');
  const rules = risk.command('rules').description('the risk rules in force');
  rules
    .command('show')
    .description('print the rules in force and their version')
    .action(async () => withGateway(async (g) => (await g.risk.engine.rulesInForce()) ?? { version: 0, source: 'built-in' }));
  rules
    .command('check')
    .description('check a rule file without loading it; mistakes are printed with their line')
    .requiredOption('--file <path>')
    .action((o: { file: string }) => {
      const text = readRuleFile(o.file);
      const result = typeof text === 'string' ? parseRuleFile(text) : text;
      if (!result.ok) return refuseRules(result.errors);
      console.log(`${o.file}: no mistakes`);
    });
  rules
    .command('load')
    .description('check a rule file and put it in force on every gateway process')
    .requiredOption('--file <path>')
    .action(async (o: { file: string }) =>
      withGateway(async (g) => {
        const text = readRuleFile(o.file);
        const result = typeof text === 'string' ? await g.risk.engine.loadRules(text, `file ${o.file}`) : text;
        if (!result.ok) return refuseRules(result.errors);
        return `risk rules version ${result.version} in force`;
      }),
    );
  rules
    .command('reload')
    .description('put the configured rule file (riskRulesFile) in force again')
    .action(async () =>
      withGateway(async (g) => {
        const result = await g.risk.reloadRuleFile();
        if (!result.ok) return refuseRules(result.errors);
        return `risk rules version ${result.version} in force (${result.file})`;
      }),
    );

  const list = risk.command('list').description('block and allow lists');
  list
    .command('add')
    .requiredOption('--list <BLOCK|ALLOW>')
    .requiredOption('--kind <card|email|ip|phone|user|device>')
    .option('--value <value>', 'the e-mail, IP or CIDR range, phone, user id, device id or card fingerprint')
    .option('--card-number <pan>', 'a card to list by number: only its fingerprint is stored')
    .option('--scope <merchantId>', 'one merchant, or * for all', '*')
    .option('--reason <text>', 'why', '')
    .option('--expires-in-days <days>')
    .action(async (o: { list: string; kind: string; value?: string; cardNumber?: string; scope: string; reason: string; expiresInDays?: string }) =>
      withGateway(async (g) =>
        g.risk.lists.add({ list: o.list, kind: o.kind, value: o.value, cardNumber: o.cardNumber, scope: o.scope, reason: o.reason, expiresInDays: o.expiresInDays === undefined ? undefined : Number(o.expiresInDays) }),
      ),
    );
  list
    .command('remove')
    .requiredOption('--id <entryId>')
    .action(async (o: { id: string }) =>
      withGateway(async (g) => {
        if (await g.risk.repository.removeListEntry(o.id)) return `entry ${o.id} removed`;
        console.error(`opencashier: no list entry ${o.id}`);
        process.exitCode = 2;
        return undefined;
      }),
    );
  list
    .command('show')
    .option('--list <BLOCK|ALLOW>')
    .option('--kind <kind>')
    .option('--scope <merchantId>')
    .action(async (o: { list?: string; kind?: string; scope?: string }) =>
      withGateway(async (g) =>
        g.risk.repository.listEntries({ ...(isListName(o.list) ? { list: o.list } : {}), ...(isListKind(o.kind) ? { kind: o.kind } : {}), ...(o.scope ? { scope: o.scope } : {}) }, RISK_LISTING_MAX),
      ),
    );

  risk
    .command('attempts')
    .description('decided payment attempts, newest first, with the rules that fired and the score')
    .option('--order <serialNumber>')
    .option('--merchant <merchantId>')
    .option('--action <ALLOW|CHALLENGE|REVIEW|DENY>')
    .action(async (o: { order?: string; merchant?: string; action?: string }) =>
      withGateway(async (g) =>
        (await g.risk.engine.attempts({ ...(o.order ? { orderId: o.order } : {}), ...(o.merchant ? { merchantId: o.merchant } : {}), ...(isRiskAction(o.action) ? { action: o.action } : {}) }, RISK_LISTING_MAX)).map(attemptJson),
      ),
    );
  risk
    .command('reviews')
    .description('payments held for review')
    .action(async () => withGateway(async (g) => (await g.reviews.pending(RISK_LISTING_MAX)).map((h) => ({ orderId: h.order.orderId, merchantId: h.order.merchantId, requestId: h.order.requestId, amountMinor: h.order.amountMinor, currency: h.order.currency, attempt: attemptJson(h.attempt) }))));
  risk
    .command('approve')
    .description('approve a held payment: capture it (SUCCESS, merchant notified)')
    .requiredOption('--order <serialNumber>')
    .option('--note <text>', 'why', '')
    .action(async (o: { order: string; note: string }) => withGateway(async (g) => ({ orderId: o.order, state: (await g.reviews.approve(o.order, o.note)).state })));
  risk
    .command('reject')
    .description('reject a held payment: void it (CANCEL, merchant notified)')
    .requiredOption('--order <serialNumber>')
    .option('--note <text>', 'why', '')
    .option('--fraud', 'confirmed fraud: also block the payer (autoBlock.onFraud)', false)
    .action(async (o: { order: string; note: string; fraud: boolean }) => withGateway(async (g) => ({ orderId: o.order, state: (await g.reviews.reject(o.order, o.note, o.fraud)).state })));
  risk
    .command('fraud')
    .description('confirmed fraud on an order: block its card, e-mail, device … (autoBlock.onFraud)')
    .requiredOption('--order <serialNumber>')
    .action(async (o: { order: string }) =>
      withGateway(async (g) => {
        const order = await g.orders.find(o.order);
        if (!order) throw new GatewayError('ORDER_NOT_FOUND');
        return { orderId: o.order, blocked: await g.risk.engine.onFraud(order) };
      }),
    );
}

