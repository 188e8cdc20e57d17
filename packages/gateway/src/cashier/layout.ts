/**
 * The page shell and the small pieces every cashier page shares.
 *
 * Pages are complete documents with no inline script or style, so they work
 * with JavaScript off and under `default-src 'none'; style-src 'self';
 * script-src 'self'`. Waiting pages load one same-origin script that checks
 * for news; without it their "check again" link does the same.
 */
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { t, type Lang } from './i18n.js';
import { cashierCssHref, cashierCssIntegrity, cashierJsHref, cashierJsIntegrity } from './assets.js';

export interface PageShell {
  lang: Lang;
  title: string;
  cssHref: string;
  sandbox: boolean;
  main: SafeHtml;
  /** Check this same-origin URL every `seconds` and go there once it is no longer a waiting page. */
  watch?: { seconds: number; url: string };
  /** The page shows a refused form: the title says so first, as screen readers read it on arrival. */
  hasErrors?: boolean;
}

const htmlLang: Record<Lang, string> = { en: 'en', zh: 'zh-CN' };

export function renderPage(page: PageShell): string {
  const title = page.hasErrors ? t(page.lang, 'page.errorTitle', { title: page.title }) : page.title;
  // no-referrer: the cashier URL names the merchant and order; it must not leak
  // to the merchant's return page or anywhere else. noindex: payment pages are
  // per-payer and short-lived. format-detection: iOS would turn order numbers
  // into phone links.
  return html`<!doctype html>
<html lang="${htmlLang[page.lang]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="format-detection" content="telephone=no">
<title>${title}</title>
<link rel="stylesheet" href="${page.cssHref}"${page.cssHref === cashierCssHref ? html` integrity="${cashierCssIntegrity}"` : ''}>
<link rel="icon" href="data:,">
<script src="${cashierJsHref}" integrity="${cashierJsIntegrity}" defer></script>
</head>
<body>
${page.sandbox && html`<p class="sandbox-banner" role="note">${t(page.lang, 'page.sandbox')}</p>`}
<main class="page"${page.watch ? html` data-watch-url="${page.watch.url}" data-watch-seconds="${page.watch.seconds}"` : ''}>
${page.main}
<p class="footer">${t(page.lang, 'page.poweredBy')}</p>
</main>
</body>
</html>
`.toString();
}

/** "You are paying / Merchant name" heading at the top of payment pages. */
export function merchantHeader(lang: Lang, merchantName: string): SafeHtml {
  return html`<header class="header">
<p class="header__eyebrow">${t(lang, 'summary.payTo')}</p>
<h1 class="header__merchant">${merchantName}</h1>
</header>`;
}

export function amountBlock(amountDisplay: string, currency: string): SafeHtml {
  return html`<p class="amount"><span class="amount__value">${amountDisplay}</span><span class="amount__currency">${currency}</span></p>`;
}

/** A label/value list; rows with an empty value are skipped. */
export function detailsList(rows: readonly (readonly [label: string, value: HtmlValue])[]): SafeHtml {
  const shown = rows.filter(([, value]) => value !== undefined && value !== null && value !== '');
  if (shown.length === 0) return html``;
  return html`<dl class="details">${shown.map(
    ([label, value]) => html`
<div class="details__row"><dt>${label}</dt><dd>${value}</dd></div>`,
  )}
</dl>`;
}

/** Beijing time is UTC+8 all year (no daylight saving), so it needs no zone database. */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * A deadline as the server writes it, before the page's script rewrites it
 * in the payer's own time zone: `2025-06-01 12:30 UTC` on English pages and
 * `2025-06-01 20:30 北京时间` on Chinese ones, whose payers are in China.
 * The zone is always named.
 */
export function formatDeadline(iso: string, lang: Lang): string | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const text = (lang === 'zh' ? new Date(date.getTime() + BEIJING_OFFSET_MS) : date).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} ${t(lang, 'page.timeZone')}`;
}

/**
 * Only http(s) URLs and same-origin paths become links: a merchant-supplied
 * `javascript:` or `data:` URL must never reach an href.
 */
export function safeLinkUrl(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
