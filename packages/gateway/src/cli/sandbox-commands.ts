import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createGateway } from '../app.js';
import { payWithTestCard } from '../orders/sandbox-payment.js';
import { iccOrderFields } from '../protocols/payease/order-fields.js';
import { disputeJson } from '../admin/dispute-json.js';

/** Drives an order of a sandbox merchant without a browser, straight against the configured store. */
async function withOrder(merchantId: string, requestId: string, task: (g: Awaited<ReturnType<typeof createGateway>>, orderId: string) => Promise<unknown>) {
  const gateway = await createGateway(loadConfig(), { migrate: false });
  try {
    const merchant = await gateway.merchants.find(merchantId);
    if (!merchant?.sandbox) throw new Error(`merchant ${merchantId} is not a sandbox merchant`);
    const order = await gateway.orders.findByRequest(merchantId, requestId);
    if (!order) throw new Error(`no order ${requestId} for merchant ${merchantId}`);
    console.log(JSON.stringify(await task(gateway, order.orderId)));
  } finally {
    await gateway.close();
  }
}

export function sandboxCommands(sandbox: Command): void {
  sandboxDisputeCommands(sandbox);
  sandbox
    .command('pay')
    .description('pay a pending sandbox order with a magic card')
    .requiredOption('--merchant <merchantId>')
    .requiredOption('--request-id <requestId>')
    .requiredOption('--card <number>', 'a magic card number (README: sandbox test cards)')
    .option('--otp <code>', 'answer to a 3-D Secure challenge')
    .action(async (o: { merchant: string; requestId: string; card: string; otp?: string }) => {
      await withOrder(o.merchant, o.requestId, async (g, orderId) => {
        return iccOrderFields(await payWithTestCard(g.orders, orderId, o.card, o.otp));
      });
    });
  sandbox
    .command('expire')
    .description('let a pending sandbox order expire now (CANCEL, notified)')
    .requiredOption('--merchant <merchantId>')
    .requiredOption('--request-id <requestId>')
    .action(async (o: { merchant: string; requestId: string }) => {
      await withOrder(o.merchant, o.requestId, async (g, orderId) => iccOrderFields(await g.orders.expireNow(orderId)));
    });
}

export function sandboxDisputeCommands(sandbox: Command): void {
  for (const [name, kind] of [
    ['chargeback', 'CHARGEBACK'],
    ['retrieval', 'RETRIEVAL'],
  ] as const) {
    sandbox
      .command(name)
      .description(`open a ${name === 'chargeback' ? 'chargeback' : 'retrieval request'} on a paid sandbox order`)
      .requiredOption('--merchant <merchantId>')
      .requiredOption('--request-id <requestId>')
      .option('--reason-code <code>', 'scheme reason code')
      .action(async (o: { merchant: string; requestId: string; reasonCode?: string }) => {
        await withOrder(o.merchant, o.requestId, async (g, orderId) => {
          return disputeJson(await g.disputes.open({ orderId, stage: kind, ...(o.reasonCode ? { reasonCode: o.reasonCode } : {}) }, { kind: 'CHANNEL', name: 'sandbox-card' }));
        });
      });
  }
}
