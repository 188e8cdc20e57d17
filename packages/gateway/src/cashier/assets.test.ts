import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cashierCss, cashierCssHash, cashierCssHref, cashierJs, cashierJsHash, cashierJsHref, cashierJsIntegrity } from './assets.js';

describe('cashier stylesheet', () => {
  it('is addressed by a hash of its content', () => {
    expect(cashierCssHash).toMatch(/^[0-9a-f]{10}$/);
    expect(createHash('sha256').update(cashierCss).digest('hex').startsWith(cashierCssHash)).toBe(true);
    expect(cashierCssHref).toBe(`/cashier/assets/cashier.${cashierCssHash}.css`);
  });

  it('loads nothing the CSP would block: every url() is a data: URL and there is no @import', () => {
    const urls = [...cashierCss.matchAll(/url\(\s*["']?([^"')]*)/g)].map((m) => m[1] ?? '');
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url.startsWith('data:')).toBe(true);
    expect(cashierCss).not.toMatch(/@import|expression\(/i);
  });

  it('has balanced braces', () => {
    expect(cashierCss.split('{').length).toBe(cashierCss.split('}').length);
  });
});

describe('cashier script', () => {
  it('is addressed by a hash of its content and carries its integrity', () => {
    expect(cashierJsHref).toBe(`/cashier/assets/cashier.${cashierJsHash}.js`);
    expect(createHash('sha256').update(cashierJs).digest('hex').startsWith(cashierJsHash)).toBe(true);
    expect(cashierJsIntegrity).toBe(`sha384-${createHash('sha384').update(cashierJs).digest('base64')}`);
  });

  it('evaluates no strings and writes no markup', () => {
    expect(cashierJs).not.toMatch(/\beval\(|new Function|innerHTML|outerHTML|document\.write|insertAdjacentHTML/);
    // Text only: a deadline is set with textContent.
    expect(cashierJs).toContain('textContent');
  });

  it('only ever follows a same-origin path it was given on the page', () => {
    expect(cashierJs).toContain("url.charAt(0) !== '/' || url.charAt(1) === '/'");
    expect(cashierJs).toContain("redirect: 'manual'");
  });
});
