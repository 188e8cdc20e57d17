/**
 * Dead ends: unknown payment, expired link, order already paid. Keys that are
 * not in the catalogue fall back to a generic message, so a caller's typo
 * never shows a payer a raw key.
 */
import { html } from './html.js';
import { t, tKey, type Lang } from './i18n.js';
import { renderPage } from './layout.js';

export interface ErrorPageModel {
  lang: Lang;
  /** e.g. `errorPage.notFound.title`. */
  titleKey: string;
  /** e.g. `errorPage.notFound.message`. */
  messageKey: string;
  cssHref: string;
  /** Shown small, so a payer can quote it to support. */
  status?: number;
}

export function renderErrorPage(m: ErrorPageModel): string {
  const { lang } = m;
  const title = tKey(lang, m.titleKey, 'errorPage.generic.title');
  const main = html`<section class="panel result" aria-labelledby="error-title">
<div class="result__icon result__icon--error" aria-hidden="true"></div>
<h1 class="result__title" id="error-title">${title}</h1>
<p class="result__message">${tKey(lang, m.messageKey, 'errorPage.generic.message')}</p>
${m.status !== undefined && html`<p class="status-code">${t(lang, 'errorPage.status', { status: m.status })}</p>`}
</section>`;
  return renderPage({ lang, title, cssHref: m.cssHref, sandbox: false, main });
}
