/**
 * Markup in data never runs on the hosted cashier: every payload of the
 * corpus (xss-corpus.ts), put in product names and descriptions, the remark,
 * the payer name and the card holder field, is rendered in headless
 * Chromium. A hook counts executions, dialogs and inline code the CSP had to
 * block (which would mean escaping failed); the DOM is searched for handlers
 * and javascript: URLs that came from data. Also: the detector itself catches
 * the corpus rendered unescaped, and both the cashier and the back office are
 * served under a CSP without 'unsafe-inline', with Subresource Integrity that
 * matches the files the back office actually serves.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixture, inspect, newPage, PAGE_WAIT_MS_MAX } from './xss-support.js';
import { XSS_HOOK, XSS_PAYLOADS } from './xss-corpus.js';

describe('markup in data never runs on the cashier', () => {
  it('detects the corpus when it is rendered unescaped (the detector works)', async () => {
    const page = await newPage();
    let caught = 0;
    for (const payload of XSS_PAYLOADS) {
      // A fresh page for each: hits must not carry over from the previous payload.
      await page.goto('about:blank');
      await page.evaluate(XSS_HOOK);
      await page.setContent(`<!doctype html><title>t</title><body><p>${payload}</p></body>`);
      await page.evaluate('new Promise((resolve) => setTimeout(resolve, 20))');
      const before = fixture.seen.length;
      await inspect(page, 'control');
      const s = fixture.seen.splice(before)[0]!;
      if (s.hits.length > 0 || s.injected.length > 0) caught += 1;
    }
    await page.context().close();
    // 21 of 30 run or leave a handler when unescaped; the rest are text even then (look-alikes, escapes, templates) or need a click.
    expect(caught).toBeGreaterThanOrEqual(20);
  });

  it('serves the cashier and the back office under a CSP without unsafe-inline; back-office scripts carry integrity that matches what is served', async () => {
    const cashier = await fetch(fixture.orders[1]!.redirectUrl);
    const cashierCsp = cashier.headers.get('content-security-policy') ?? '';
    expect(cashierCsp).toContain("default-src 'none'");
    expect(cashierCsp).not.toContain('unsafe-inline');
    expect(cashierCsp).not.toContain('unsafe-eval');
    // The cashier runs one script of its own, from a file: no inline code, no other origin.
    expect(cashierCsp).toContain("script-src 'self'");
    expect(cashierCsp).toContain("connect-src 'self'");
    const cashierHtml = await cashier.text();
    const scripts = [...cashierHtml.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toBe('');
    const script = /<script src="(\/cashier\/assets\/cashier\.[0-9a-f]{10}\.js)" integrity="(sha384-[^"]+)" defer>/.exec(cashierHtml);
    expect(script).not.toBeNull();
    const js = Buffer.from(await (await fetch(new URL(script![1]!, fixture.t.baseUrl))).arrayBuffer());
    expect(`sha384-${createHash('sha384').update(js).digest('base64')}`).toBe(script![2]);
    // Its stylesheet carries the integrity of the file actually served.
    const link = /<link rel="stylesheet" href="([^"]+)" integrity="(sha384-[^"]+)">/.exec(cashierHtml);
    expect(link).not.toBeNull();
    const css = Buffer.from(await (await fetch(new URL(link![1]!, fixture.t.baseUrl))).arrayBuffer());
    expect(`sha384-${createHash('sha384').update(css).digest('base64')}`).toBe(link![2]);

    const portal = await fetch(`${fixture.t.baseUrl}/portal/`);
    const portalCsp = portal.headers.get('content-security-policy') ?? '';
    expect(portalCsp).toContain("script-src 'self'");
    expect(portalCsp).not.toContain('unsafe-inline');
    expect(portalCsp).not.toContain('unsafe-eval');
    const html = await portal.text();
    const tags = [...html.matchAll(/<(script|link)\b[^>]*>/g)].map((m) => m[0]).filter((tag) => /<script|rel="(stylesheet|modulepreload)"/.test(tag));
    expect(tags.length).toBeGreaterThanOrEqual(2);
    for (const tag of tags) {
      const url = /(?:src|href)="([^"]+)"/.exec(tag)?.[1];
      const integrity = /integrity="(sha384-[^"]+)"/.exec(tag)?.[1];
      expect(integrity, tag).toBeDefined();
      const served = Buffer.from(await (await fetch(new URL(url!, fixture.t.baseUrl))).arrayBuffer());
      expect(`sha384-${createHash('sha384').update(served).digest('base64')}`, tag).toBe(integrity);
    }
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('cashier: no payload runs from products, remark, payer name or the holder field', async () => {
    const page = await newPage();
    let holdersEchoed = 0;
    for (const order of fixture.orders) {
      await page.goto(order.redirectUrl);
      await inspect(page, `cashier ${order.requestId}`);
      if (order.paid) continue;
      // A refused card form is shown again with what the payer typed: the holder goes back into an attribute.
      await page.fill('#holder', order.payload);
      await page.fill('#number', '4000');
      await page.fill('#cvv', '12');
      await Promise.all([page.waitForLoadState('domcontentloaded', { timeout: PAGE_WAIT_MS_MAX }), page.click('form button[type="submit"]')]);
      await page.waitForSelector('#holder', { timeout: PAGE_WAIT_MS_MAX });
      await inspect(page, `cashier form again ${order.requestId}`);
      if ((await page.inputValue('#holder')) === order.payload) holdersEchoed += 1;
    }
    await page.context().close();
    const cashierPages = fixture.seen.filter((s) => s.page.startsWith('cashier'));
    expect(cashierPages.length).toBe(fixture.orders.length + fixture.orders.filter((o) => !o.paid).length);
    expect(cashierPages.filter((s) => s.hits.length > 0 || s.injected.length > 0)).toEqual([]);
    // The breakouts were really put back into the value attribute (not dropped before rendering).
    expect(holdersEchoed).toBeGreaterThan(fixture.orders.filter((o) => !o.paid).length / 2);
  });

});
