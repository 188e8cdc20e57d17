/**
 * The hosted checkout page: order summary plus the card form.
 *
 * The card number and CVV are never written back into the page, not even
 * after a failed submit — the model has no field for them, and the values it
 * does echo are filtered again here in case a caller passes card data by
 * mistake (a PAN typed into the name box, say).
 */
import { holderCharsMax, holderDigitsMax } from './card-form.js';
import { attr, html, type SafeHtml } from './html.js';
import { t, tKey, type Lang } from './i18n.js';
import { amountBlock, detailsList, formatDeadline, merchantHeader, renderPage } from './layout.js';

export type CheckoutField = 'holder' | 'number' | 'expiry' | 'cvv' | 'form';

export interface CheckoutPageModel {
  lang: Lang;
  merchantName: string;
  /** Already formatted for the currency, e.g. "123.45". */
  amountDisplay: string;
  currency: string;
  requestId: string;
  remark?: string;
  products: { name: string; quantity: string; amountDisplay: string }[];
  expiresAtIso: string;
  csrfToken: string;
  formAction: string;
  cssHref: string;
  /** Message keys; unknown keys render a generic message. */
  errors?: Partial<Record<CheckoutField, string>>;
  values?: { holder?: string; expiryMonth?: string; expiryYear?: string };
  sandbox: boolean;
  /** Unified orders: the other methods the merchant takes, rendered by `method-page.ts`. */
  methodsPanel?: SafeHtml;
  /** False when the merchant does not take cards (unified orders only). */
  cardEnabled?: boolean;
}

/** 19 digits plus the spaces a payer or autofill may type between groups. */
const numberInputCharsMax = 23;

/** Which input each error points at, in page order, for the error summary's links. */
const fieldInputIds: Record<Exclude<CheckoutField, 'form'>, string> = {
  holder: 'holder',
  number: 'number',
  expiry: 'expiryMonth',
  cvv: 'cvv',
};

export function renderCheckoutPage(m: CheckoutPageModel): string {
  const { lang } = m;
  const errors = m.errors ?? {};
  const hasErrors = Object.values(errors).some((key) => key !== undefined);
  const message = (field: CheckoutField) => {
    const key = errors[field];
    return key === undefined ? undefined : tKey(lang, key, 'error.generic');
  };
  const values = echoableValues(m.values);
  const payLabel = t(lang, 'card.submit', { amount: m.amountDisplay, currency: m.currency });

  const main = html`${merchantHeader(lang, m.merchantName)}
${orderSummary(m)}
${m.methodsPanel}
${m.cardEnabled !== false && html`<section class="panel" aria-labelledby="card-title">
<h2 class="panel__title" id="card-title">${t(lang, 'card.heading')}</h2>
${hasErrors && errorSummary(lang, message)}
${hasErrors && html`<p class="notice">${t(lang, 'card.reenter')}</p>`}
<form method="post" action="${m.formAction}" autocomplete="on">
<input type="hidden" name="_csrf" value="${m.csrfToken}">
${field({
  id: 'holder', label: t(lang, 'card.holder'), error: message('holder'),
  input: (describedBy, invalid) => html`<input class="input" id="holder" name="holder" type="text" autocomplete="cc-name" autocapitalize="characters" spellcheck="false" maxlength="${holderCharsMax}" required${attr('value', values.holder)}${describedBy}${invalid}>`,
})}
${field({
  id: 'number', label: t(lang, 'card.number'), error: message('number'),
  input: (describedBy, invalid) => html`<input class="input input--numeric" id="number" name="number" type="text" inputmode="numeric" autocomplete="cc-number" autocorrect="off" spellcheck="false" maxlength="${numberInputCharsMax}" required${describedBy}${invalid}>`,
})}
<div class="field-row">
${expiryFieldset(lang, values, message('expiry'))}
${field({
  id: 'cvv', label: t(lang, 'card.cvv'), error: message('cvv'), hint: t(lang, 'card.cvvHint'),
  input: (describedBy, invalid) => html`<input class="input input--numeric" id="cvv" name="cvv" type="text" inputmode="numeric" autocomplete="cc-csc" autocorrect="off" spellcheck="false" maxlength="4" required${describedBy}${invalid}>`,
})}
</div>
<div class="actions">
<button class="button button--primary button--pay" type="submit">${payLabel}</button>
</div>
</form>
</section>`}`;

  return renderPage({ lang, title: t(lang, 'page.checkout.title', { merchant: m.merchantName }), cssHref: m.cssHref, sandbox: m.sandbox, main, hasErrors });
}

function orderSummary(m: CheckoutPageModel): SafeHtml {
  const { lang } = m;
  const expires = formatDeadline(m.expiresAtIso, lang);
  const items = m.products.length > 0 && html`<h3 class="visually-hidden">${t(lang, 'summary.items')}</h3>
<ul class="items">${m.products.map((p) => html`
<li class="item"><span class="item__name">${p.name}</span><span class="item__amount">${p.amountDisplay} ${m.currency}</span><span class="item__qty">${t(lang, 'summary.quantity', { quantity: p.quantity })}</span></li>`)}
</ul>`;
  const expiry = expires && html`<p class="expires" data-local-time="${m.expiresAtIso}" data-local-template="${t(lang, 'summary.expiresAt', { time: '{time}' })}">${t(lang, 'summary.expiresAt', { time: expires })}</p>`;
  return html`<section class="panel" aria-labelledby="summary-title">
<h2 class="visually-hidden" id="summary-title">${t(lang, 'summary.heading')}</h2>
${amountBlock(m.amountDisplay, m.currency)}
${detailsList([
  [t(lang, 'summary.orderNumber'), m.requestId],
  [t(lang, 'summary.remark'), m.remark],
])}
${items}
${expiry}
</section>`;
}

function errorSummary(lang: Lang, message: (field: CheckoutField) => string | undefined): SafeHtml {
  const formError = message('form');
  const fieldErrors = (Object.keys(fieldInputIds) as (keyof typeof fieldInputIds)[])
    .map((f) => [fieldInputIds[f], message(f)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  // role="alert" makes screen readers announce the problem after the reload
  // a no-JavaScript form submit causes.
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h3 class="error-summary__title" id="error-summary-title">${t(lang, 'errors.heading')}</h3>
<ul>${formError !== undefined && html`
<li>${formError}</li>`}${fieldErrors.map(([id, text]) => html`
<li><a href="#${id}">${text}</a></li>`)}
</ul>
</div>`;
}

type InputRenderer = (describedBy: SafeHtml, invalid: SafeHtml) => SafeHtml;

function field(f: { id: string; label: string; error: string | undefined; hint?: string; input: InputRenderer }): SafeHtml {
  const hintId = f.hint === undefined ? undefined : `${f.id}-hint`;
  const errorId = f.error === undefined ? undefined : `${f.id}-error`;
  const describedBy = [hintId, errorId].filter((id) => id !== undefined).join(' ');
  return html`<div class="field">
<label class="field__label" for="${f.id}">${f.label}</label>
${f.input(attr('aria-describedby', describedBy || undefined), attr('aria-invalid', errorId !== undefined && 'true'))}
${hintId !== undefined && html`<span class="field__hint" id="${hintId}">${f.hint}</span>`}
${errorId !== undefined && html`<span class="field__error" id="${errorId}">${f.error}</span>`}
</div>`;
}

function expiryFieldset(lang: Lang, values: EchoValues, error: string | undefined): SafeHtml {
  // Month and year labels are for screen readers; sighted payers get the
  // legend and MM / YY placeholders, which keeps both inputs level with the CVV.
  const describedBy = attr('aria-describedby', error === undefined ? undefined : 'expiry-error');
  const invalid = attr('aria-invalid', error !== undefined && 'true');
  return html`<fieldset class="field">
<legend class="field__label">${t(lang, 'card.expiry')}</legend>
<div class="split">
<div><label class="visually-hidden" for="expiryMonth">${t(lang, 'card.expiryMonth')}</label>
<input class="input input--numeric" id="expiryMonth" name="expiryMonth" type="text" inputmode="numeric" autocomplete="cc-exp-month" placeholder="MM" maxlength="2" required${attr('value', values.expiryMonth)}${describedBy}${invalid}></div>
<div><label class="visually-hidden" for="expiryYear">${t(lang, 'card.expiryYear')}</label>
<input class="input input--numeric" id="expiryYear" name="expiryYear" type="text" inputmode="numeric" autocomplete="cc-exp-year" placeholder="YY" maxlength="4" required${attr('value', values.expiryYear)}${describedBy}${invalid}></div>
</div>
${error !== undefined && html`<span class="field__error" id="expiry-error">${error}</span>`}
</fieldset>`;
}

interface EchoValues {
  holder?: string;
  expiryMonth?: string;
  expiryYear?: string;
}

/**
 * Second line of defence behind `parseCardForm`'s own echo values: anything
 * that could be card data (a long digit run in the name, a 3–4 digit value
 * that is not a plausible year) is dropped, so the payer retypes it instead.
 */
function echoableValues(values: CheckoutPageModel['values']): EchoValues {
  const out: EchoValues = {};
  const holder = values?.holder?.trim();
  if (holder && [...holder].length <= holderCharsMax && (holder.match(/\d/g)?.length ?? 0) <= holderDigitsMax) {
    out.holder = holder;
  }
  const month = values?.expiryMonth?.trim();
  if (month && /^(0?[1-9]|1[0-2])$/.test(month)) out.expiryMonth = month;
  const year = values?.expiryYear?.trim();
  if (year && /^(\d{2}|20\d{2})$/.test(year)) out.expiryYear = year;
  return out;
}
