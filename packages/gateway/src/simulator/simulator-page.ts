/**
 * The page that stands in for the Alipay or WeChat app, or a bank's online
 * banking site, in the sandbox: a tester (or a test) approves or declines.
 */
import { html } from '../cashier/html.js';
import { t, type Lang, type MessageKey } from '../cashier/i18n.js';
import { amountBlock, merchantHeader, renderPage } from '../cashier/layout.js';

export interface SimulatorPageModel {
  lang: Lang;
  channel: string;
  merchantName: string;
  amountDisplay: string;
  currency: string;
  cssHref: string;
  formAction: string;
  /** The order's wire status; only INIT can still be decided. */
  status: 'INIT' | 'SUCCESS' | 'FAILED' | 'CANCEL';
  /** Decided already (or the order closed): the result, and the way back to the merchant. */
  returnUrl?: string;
  lifeAccount: boolean;
  /** Online banking: the banks to choose from and the one preselected. */
  banks?: readonly { code: string; label: string }[];
  bank?: string;
}

export function renderSimulatorPage(m: SimulatorPageModel): string {
  const { lang } = m;
  const open = m.status === 'INIT' && m.returnUrl === undefined;
  const form = html`<form method="post" action="${m.formAction}" class="simulator">
${m.banks && html`<div class="field"><label class="field__label" for="bank">${t(lang, 'sim.bank')}</label>
<select class="input" id="bank" name="bank">${m.banks.map((b) => html`<option value="${b.code}"${b.code === m.bank ? html` selected` : ''}>${b.label}</option>`)}</select></div>`}
<div class="actions">
<button class="button button--primary" type="submit" name="decision" value="approve">${t(lang, 'sim.approve')}</button>
<button class="button button--secondary" type="submit" name="decision" value="decline">${t(lang, 'sim.decline')}</button>
</div>
</form>`;
  const result = html`<p class="simulator__result" data-status="${m.status}">${t(lang, `sim.result.${m.status}` as MessageKey)}</p>
${m.returnUrl && html`<p><a class="button button--secondary" href="${m.returnUrl}">${t(lang, 'sim.back')}</a></p>`}`;
  const main = html`${merchantHeader(lang, m.merchantName)}
<section class="panel" aria-labelledby="sim-title">
<h2 class="panel__title" id="sim-title">${t(lang, `sim.title.${m.channel}` as MessageKey)}</h2>
${m.lifeAccount && html`<p>${t(lang, 'sim.lifeAccount')}</p>`}
${amountBlock(m.amountDisplay, m.currency)}
${open ? form : result}
</section>`;
  return renderPage({ lang, title: t(lang, `sim.title.${m.channel}` as MessageKey), cssHref: m.cssHref, sandbox: true, main });
}
