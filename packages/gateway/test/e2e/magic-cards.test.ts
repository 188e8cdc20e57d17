/**
 * Every sandbox magic card through the hosted cashier in headless Chromium:
 * the SDK creates the order, the payer pays, the merchant's endpoint receives
 * a notification that verifies and agrees with `icc/query`.
 */
import { describe, expect, it, type TestContext } from 'vitest';
import type { Page } from 'playwright-core';
import { MAGIC_CARDS, SANDBOX_CHALLENGE_CODE, type MagicCard } from '../../src/channels/sandbox-card/magic-cards.js';
import { PENDING_WAIT_MS_MAX, PAGE_WAIT_MS_MAX, ORDER_VARIANTS, t, merchant, newPayer, type CreatedOrder, createOrder, openCheckout, fillCard, submit, PAY_BUTTON, resultOutcome, expectFinal, expectAmountShown, expectedFor, challengeCard } from './cashier-support.js';

describe.concurrent('every magic card through the hosted cashier', () => {
  const cards = MAGIC_CARDS.filter((c) => c.scenario.kind !== 'challenge');

  it('covers every card in the sandbox table', () => {
    expect(cards.length + 1).toBe(MAGIC_CARDS.length);
    expect(new Set(MAGIC_CARDS.map((c) => c.scenario.kind))).toEqual(new Set(['approve', 'decline', 'challenge', 'unknown', 'chargeback', 'retrieval', 'refund-fails', 'refund-pending']));
  });

  cards.forEach((card, index) => {
    const variant = ORDER_VARIANTS[index % ORDER_VARIANTS.length]!;
    it(`${card.pan} (${card.brand}, ${card.description}) in ${variant.orderCurrency}/${variant.language}`, async (test) => {
      const expected = expectedFor(card);
      const order = await createOrder(variant);
      const { page, problems } = await newPayer(test);
      await openCheckout(page, order);
      await expectAmountShown(page, variant);
      const payLabel = (await page.textContent(PAY_BUTTON)) ?? '';
      expect(payLabel).toContain(`${variant.display} ${variant.orderCurrency}`);

      await fillCard(page, card);
      const orderPath = new URL(order.redirectUrl).pathname;
      const [firstResult] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === orderPath, { timeout: PAGE_WAIT_MS_MAX }),
        submit(page, PAY_BUTTON, '.result__icon'),
      ]);
      if (card.scenario.kind === 'unknown') {
        // The channel has not answered yet: the payer waits on a page whose script checks again by itself.
        // (Judged on the page as served: by now the live page may already have refreshed.)
        const pending = await firstResult.text();
        expect(pending).toContain('result__icon--pending');
        expect(pending).toMatch(/<main class="page" data-watch-url="\/cashier\/[^"]+" data-watch-seconds="\d+">/);
        expect(pending).not.toContain('http-equiv');
        await page.waitForSelector(`.result__icon--${expected.outcome}`, { timeout: PENDING_WAIT_MS_MAX });
      } else {
        expect(await firstResult.text()).toContain(`result__icon--${expected.outcome}`);
      }
      expect(await resultOutcome(page)).toBe(expected.outcome);
      await expectAmountShown(page, variant);
      if (expected.outcome === 'failed') expect(await page.$('.result__reason')).not.toBeNull();
      else expect(await page.$('.result__reason')).toBeNull();
      // A final page does not keep reloading.
      expect(await page.$('[data-watch-url]')).toBeNull();

      await expectFinal(order, expected.status, expected.code);
      expect(problems).toEqual([]);
    });
  });
});

describe('3-D Secure challenge card', () => {
  const variant = ORDER_VARIANTS[0];

  async function reachChallenge(test: TestContext, order: CreatedOrder): Promise<{ page: Page; problems: string[] }> {
    const payer = await newPayer(test);
    await openCheckout(payer.page, order);
    await fillCard(payer.page, challengeCard);
    await submit(payer.page, PAY_BUTTON, '#otp');
    await expectAmountShown(payer.page, variant);
    // A sandbox merchant's payer is told which code passes.
    expect(await payer.page.textContent('main')).toContain(SANDBOX_CHALLENGE_CODE);
    // Waiting for the payer is not final: the merchant hears nothing yet and sees INIT.
    expect((await t.client.queryIccOrder({ requestId: order.requestId })).status).toBe('INIT');
    return payer;
  }

  it(`passes with the code ${SANDBOX_CHALLENGE_CODE}`, async (test) => {
    const order = await createOrder(variant);
    const { page, problems } = await reachChallenge(test, order);
    await page.fill('#otp', SANDBOX_CHALLENGE_CODE);
    await submit(page, 'button[name="action"][value="submit"]', '.result__icon');
    expect(await resultOutcome(page)).toBe('success');
    await expectFinal(order, 'SUCCESS');
    expect(problems).toEqual([]);
  });

  it('fails with any other code', async (test) => {
    const order = await createOrder(variant);
    const { page, problems } = await reachChallenge(test, order);
    await page.fill('#otp', '000000');
    await submit(page, 'button[name="action"][value="submit"]', '.result__icon');
    expect(await resultOutcome(page)).toBe('failed');
    await expectFinal(order, 'FAILED', 'AUTHENTICATION_FAILED');
    expect(problems).toEqual([]);
  });

  it('is cancelled by the cancel button, even with the code box empty', async (test) => {
    const order = await createOrder(variant);
    const { page, problems } = await reachChallenge(test, order);
    await submit(page, 'button[name="action"][value="cancel"]', '.result__icon');
    expect(await resultOutcome(page)).toBe('cancelled');
    await expectFinal(order, 'CANCEL');
    expect(problems).toEqual([]);
  });

  it('asks again, without deciding the order, when the code is malformed', async (test) => {
    const order = await createOrder(variant);
    const { page } = await reachChallenge(test, order);
    await page.fill('#otp', '12');
    await submit(page, 'button[name="action"][value="submit"]', '#otp-error');
    expect(await page.getAttribute('#otp', 'aria-invalid')).toBe('true');
    expect((await t.client.queryIccOrder({ requestId: order.requestId })).status).toBe('INIT');
    await page.fill('#otp', SANDBOX_CHALLENGE_CODE);
    await submit(page, 'button[name="action"][value="submit"]', '.result__icon');
    expect(await resultOutcome(page)).toBe('success');
    await expectFinal(order, 'SUCCESS');
  });
});

describe('merchant endpoint', () => {
  it('refused no notification: every one decrypted and verified', () => {
    expect(merchant.rejected).toEqual([]);
    expect(merchant.all().length).toBeGreaterThan(0);
  });
});
