/**
 * The 3-D Secure style step: the payer enters a one-time code from their
 * issuer, or cancels. Both buttons post the same form; `action` says which.
 */
import { html, type SafeHtml } from './html.js';
import { t, tKey, type Lang } from './i18n.js';
import { amountBlock, merchantHeader, renderPage } from './layout.js';

export interface ChallengePageModel {
  lang: Lang;
  merchantName: string;
  amountDisplay: string;
  currency: string;
  csrfToken: string;
  formAction: string;
  cssHref: string;
  sandbox: boolean;
  /** Message key, e.g. `error.otp.invalid`; unknown keys render a generic message. */
  error?: string;
  /** Sandbox only: how to pass or fail the simulated challenge, from the sandbox channel. */
  sandboxHint?: string;
}

/**
 * The sandbox channel's hint in the payer's language: it names the code that
 * passes, which the page says in its own words. A hint of another shape is
 * shown as the channel wrote it, marked as English so it is read as such.
 */
function sandboxHintNotice(lang: Lang, hint: string): SafeHtml {
  const code = /\benter (\S+) to pass\b/.exec(hint)?.[1];
  if (code !== undefined) return html`<p class="notice">${t(lang, 'challenge.sandboxHint', { code })}</p>`;
  return html`<p class="notice"${lang === 'en' ? '' : html` lang="en"`}>${hint}</p>`;
}

/** Issuer codes are 4–8 digits; 10 leaves room for a typed space without accepting essays. */
const otpInputCharsMax = 10;

export function renderChallengePage(m: ChallengePageModel): string {
  const { lang } = m;
  const error = m.error === undefined ? undefined : tKey(lang, m.error, 'error.generic');
  const intro = t(lang, 'challenge.intro', { amount: m.amountDisplay, currency: m.currency, merchant: m.merchantName });

  // Submit comes first in the markup so that pressing Enter in the code box
  // confirms rather than cancels (browsers use the form's first submit
  // button). Cancel skips validation so an empty code box does not block it.
  const main = html`${merchantHeader(lang, m.merchantName)}
<section class="panel" aria-labelledby="challenge-title">
<h2 class="panel__title" id="challenge-title">${t(lang, 'challenge.heading')}</h2>
${amountBlock(m.amountDisplay, m.currency)}
<p class="notice">${intro}</p>
${m.sandboxHint !== undefined && sandboxHintNotice(lang, m.sandboxHint)}
${error !== undefined && html`<div class="error-summary" role="alert" tabindex="-1" autofocus><p class="error-summary__title" id="otp-error">${error}</p></div>`}
<form method="post" action="${m.formAction}" autocomplete="off">
<input type="hidden" name="_csrf" value="${m.csrfToken}">
<div class="field">
<label class="field__label" for="otp">${t(lang, 'challenge.otp')}</label>
<input class="input input--numeric" id="otp" name="otp" type="text" inputmode="numeric" autocomplete="one-time-code" spellcheck="false" maxlength="${otpInputCharsMax}" required${error !== undefined && html` aria-invalid="true" aria-describedby="otp-error"`}>
</div>
<div class="actions">
<button class="button button--primary" type="submit" name="action" value="submit">${t(lang, 'challenge.submit')}</button>
<button class="button button--secondary" type="submit" name="action" value="cancel" formnovalidate>${t(lang, 'challenge.cancel')}</button>
</div>
</form>
</section>`;

  return renderPage({ lang, title: t(lang, 'page.challenge.title'), cssHref: m.cssHref, sandbox: m.sandbox, main, hasErrors: error !== undefined });
}
