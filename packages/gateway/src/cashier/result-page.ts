/**
 * The page a payer lands on after paying, failing, cancelling or running out
 * of time. It only reports; the merchant learns the outcome from the
 * notification, never from the payer following the return link.
 */
import { html } from './html.js';
import { isMessageKey, t, type Lang, type MessageKey } from './i18n.js';
import { amountBlock, detailsList, renderPage, safeLinkUrl } from './layout.js';

/** `withdrawn`: the merchant cancelled the payment request. */
export type ResultOutcome = 'success' | 'failed' | 'expired' | 'pending' | 'cancelled' | 'withdrawn';

export interface ResultPageModel {
  lang: Lang;
  outcome: ResultOutcome;
  merchantName: string;
  amountDisplay: string;
  currency: string;
  requestId: string;
  /** Message key such as `reason.declined`; unknown keys are not shown. */
  reasonKey?: string;
  /** GET link back to the merchant; only http(s) URLs are rendered. */
  returnUrl?: string;
  /** Same-origin URL of this page; a pending page reloads it to pick up the outcome. */
  statusUrl?: string;
  cssHref: string;
  sandbox?: boolean;
}

/** How often a pending page re-checks: quick enough to feel live, slow enough not to load the server. */
export const pendingRefreshSeconds = 5;

const outcomeText: Record<ResultOutcome, { title: MessageKey; message: MessageKey }> = {
  success: { title: 'result.success.title', message: 'result.success.message' },
  failed: { title: 'result.failed.title', message: 'result.failed.message' },
  expired: { title: 'result.expired.title', message: 'result.expired.message' },
  pending: { title: 'result.pending.title', message: 'result.pending.message' },
  cancelled: { title: 'result.cancelled.title', message: 'result.cancelled.message' },
  withdrawn: { title: 'result.withdrawn.title', message: 'result.withdrawn.message' },
};

export function renderResultPage(m: ResultPageModel): string {
  const { lang } = m;
  const text = outcomeText[m.outcome];
  const title = t(lang, text.title);
  const returnUrl = safeLinkUrl(m.returnUrl);
  const statusUrl = m.outcome === 'pending' ? sameOriginPath(m.statusUrl) : undefined;
  // Reasons explain failures; on a success page a stray reason would confuse.
  const reason = m.outcome !== 'success' && isMessageKey(m.reasonKey) && m.reasonKey.startsWith('reason.')
    ? t(lang, m.reasonKey)
    : undefined;

  const main = html`<section class="panel result" aria-labelledby="result-title">
<div class="result__icon result__icon--${m.outcome}" aria-hidden="true"></div>
<h1 class="result__title" id="result-title">${title}</h1>
<p class="result__message">${t(lang, text.message, { merchant: m.merchantName })}</p>
${reason !== undefined && html`<p class="result__reason"><strong>${t(lang, 'result.reason')}</strong>${lang === 'zh' ? '' : ' '}${reason}</p>`}
${amountBlock(m.amountDisplay, m.currency)}
${detailsList([
  [t(lang, 'summary.merchant'), m.merchantName],
  [t(lang, 'summary.orderNumber'), m.requestId],
])}
<div class="actions">
${statusUrl !== undefined && html`<a class="button button--secondary" href="${statusUrl}">${t(lang, 'result.checkAgain')}</a>`}
${returnUrl !== undefined && html`<a class="button button--primary" href="${returnUrl}">${t(lang, 'result.return', { merchant: m.merchantName })}</a>`}
</div>
</section>`;

  return renderPage({
    lang,
    title,
    cssHref: m.cssHref,
    sandbox: m.sandbox ?? false,
    main,
    ...(statusUrl === undefined ? {} : { watch: { seconds: pendingRefreshSeconds, url: statusUrl } }),
  });
}

/** The page watched must be our own: following a foreign URL would be an open redirect. */
function sameOriginPath(url: string | undefined): string | undefined {
  const safe = safeLinkUrl(url);
  return safe !== undefined && safe.startsWith('/') ? safe : undefined;
}
