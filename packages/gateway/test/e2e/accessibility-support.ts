/**
 * axe-core in Chromium, as the accessibility suite runs it: the engine is
 * evaluated into the page through the browser's debugging protocol (so the
 * page's own CSP stays on), then audits the document against WCAG 2.x A and
 * AA. Only critical and serious findings fail a test; each is reported with
 * the rule and the elements it names, so a failure says what to fix.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Finding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** The critical and serious violations on the page as it is now. */
export async function auditPage(page: Page): Promise<Finding[]> {
  await page.evaluate(axeSource);
  // Scripts run in the page are written as text: the test build has no DOM types.
  const violations = (await page.evaluate(`(async () => {
    const results = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return results.violations.map((v) => ({ rule: v.id, impact: v.impact || 'unknown', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  })()`)) as Finding[];
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}

/** How far the page is wider than the viewport (a phone must not scroll sideways). */
export async function overflowPx(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
}

/** WCAG relative luminance contrast of two CSS colours as `getComputedStyle` writes them (`rgb(…)`/`rgba(…)`). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (css: string): number => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The focused element's outline and the background it is drawn on: a focus ring must be there and stand out 3:1. */
export async function focusRing(page: Page): Promise<{ id: string; widthPx: number; style: string; color: string; background: string }> {
  return (await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { id: 'body', widthPx: 0, style: 'none', color: 'rgb(0, 0, 0)', background: 'rgb(255, 255, 255)' };
    const style = getComputedStyle(el);
    // The ring sits outside the element (outline-offset), on the nearest ancestor's background.
    let parent = el.parentElement;
    let background = 'rgb(255, 255, 255)';
    while (parent) {
      const bg = getComputedStyle(parent).backgroundColor;
      if (bg && bg !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(bg)) { background = bg; break; }
      parent = parent.parentElement;
    }
    return { id: el.id || el.tagName.toLowerCase(), widthPx: parseFloat(style.outlineWidth) || 0, style: style.outlineStyle, color: style.outlineColor, background };
  })()`)) as { id: string; widthPx: number; style: string; color: string; background: string };
}
