/**
 * The hosted cashier's parts for unified (`onlinePay`) orders: the list of
 * the merchant's other methods beside the card form, and the page a payer
 * sees once a method is started (a QR code to scan, or a link on to the
 * wallet or bank). Pure renderers, like the other pages.
 */
import { html, type SafeHtml } from './html.js';
import { t, type Lang, type MessageKey } from './i18n.js';
import { amountBlock, detailsList, merchantHeader, renderPage } from './layout.js';
import type { PayeeInfo } from '../domain/channel.js';

/** Methods a payer can start from a browser; JSAPI and app payments need the merchant's own app. */
export const CASHIER_METHODS = ['ALIPAY_SCAN', 'ALIPAY_WAP', 'ALIPAY_LIFE', 'WECHAT_SCAN', 'B2C', 'OFFLINE'] as const;
export type CashierMethod = (typeof CASHIER_METHODS)[number];

export function isCashierMethod(value: unknown): value is CashierMethod {
  return (CASHIER_METHODS as readonly unknown[]).includes(value);
}

/** How often a waiting page reloads to see whether the payer has paid. */
export const METHOD_PAGE_REFRESH_SECONDS = 3;

export function methodsPanel(lang: Lang, methods: readonly CashierMethod[], csrfToken: string, formAction: string): SafeHtml {
  if (methods.length === 0) return html``;
  return html`<section class="panel" aria-labelledby="methods-title">
<h2 class="panel__title" id="methods-title">${t(lang, 'methods.heading')}</h2>
<form method="post" action="${formAction}" class="methods">
<input type="hidden" name="_csrf" value="${csrfToken}">
${methods.map((m) => html`<button class="button button--secondary method" type="submit" name="method" value="${m}">${t(lang, 'methods.choose', { method: t(lang, `method.${m}` as MessageKey) })}</button>
`)}</form>
</section>`;
}

export interface MethodActionPageModel {
  lang: Lang;
  merchantName: string;
  amountDisplay: string;
  currency: string;
  cssHref: string;
  sandbox: boolean;
  method: CashierMethod | string;
  /** Where the waiting page reloads from. */
  statusUrl: string;
  action:
    | { kind: 'scan'; qrPngBase64: string; content: string; wallet: 'alipay' | 'wechat' }
    | { kind: 'redirect'; url: string }
    | { kind: 'remit'; payee: PayeeInfo };
}

export function renderMethodActionPage(m: MethodActionPageModel): string {
  const { lang } = m;
  const methodName = isCashierMethod(m.method) ? t(lang, `method.${m.method}`) : m.method;
  const body =
    m.action.kind === 'remit'
      ? html`<h2 class="panel__title" id="action-title">${t(lang, 'remit.heading')}</h2>
<p>${t(lang, 'remit.hint', { amount: m.amountDisplay, currency: m.currency })}</p>
${detailsList([
  [t(lang, 'remit.postscript'), m.action.payee.postscriptNumber],
  [t(lang, 'remit.payee'), m.action.payee.payee],
  [t(lang, 'remit.accountNumber'), m.action.payee.accountNumber],
  [t(lang, 'remit.branchBank'), m.action.payee.branchBank],
  [t(lang, 'remit.bankUnionNumber'), m.action.payee.bankUnionNumber],
  [t(lang, 'remit.remittancesAddress'), m.action.payee.remittancesAddress],
])}
<p class="notice">${t(lang, 'scan.waiting')}</p>
${m.sandbox && html`<form method="post" action="/simulator/remit/${m.action.payee.postscriptNumber}" class="sandbox-remit">
<input type="hidden" name="back" value="${m.statusUrl}">
<button class="button button--secondary" type="submit">${t(lang, 'remit.sandboxTransfer')}</button>
</form>`}`
      : m.action.kind === 'scan'
      ? html`<h2 class="panel__title" id="action-title">${t(lang, 'scan.heading')}</h2>
<p>${t(lang, m.action.wallet === 'alipay' ? 'scan.alipay' : 'scan.wechat')}</p>
<p class="qr"><img class="qr__image" src="data:image/png;base64,${m.action.qrPngBase64}" alt="${t(lang, 'scan.qrAlt')}" width="240" height="240"></p>
<p class="notice">${t(lang, 'scan.waiting')}</p>
${m.sandbox && html`<p><a class="sandbox-link" href="${m.action.content}">${t(lang, 'scan.sandboxLink')}</a></p>`}`
      : html`<h2 class="panel__title" id="action-title">${t(lang, 'redirect.heading')}</h2>
<p class="actions"><a class="button button--primary" href="${m.action.url}">${t(lang, 'redirect.continue', { method: methodName })}</a></p>
<p class="notice">${t(lang, 'scan.waiting')}</p>`;
  const main = html`${merchantHeader(lang, m.merchantName)}
<section class="panel">${amountBlock(m.amountDisplay, m.currency)}</section>
<section class="panel" aria-labelledby="action-title">
${body}
<p class="actions"><a class="button button--secondary" href="${m.statusUrl}">${t(lang, 'result.checkAgain')}</a></p>
</section>`;
  return renderPage({
    lang,
    title: t(lang, 'page.checkout.title', { merchant: m.merchantName }),
    cssHref: m.cssHref,
    sandbox: m.sandbox,
    main,
    watch: { seconds: METHOD_PAGE_REFRESH_SECONDS, url: m.statusUrl },
  });
}
