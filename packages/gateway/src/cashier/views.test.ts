import { describe, expect, it } from 'vitest';
import { cashierCssHref, cashierCssIntegrity, cashierJsHref, cashierJsIntegrity } from './assets.js';
import { messages } from './i18n.js';
import {
  renderChallengePage,
  renderCheckoutPage,
  renderErrorPage,
  renderResultPage,
  type CheckoutPageModel,
  type ResultOutcome,
} from './views.js';

const hostile = `<script>alert("x")</script>"'`;
const escapedHostile = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot;&#39;';

const checkout = (overrides: Partial<CheckoutPageModel> = {}): CheckoutPageModel => ({
  lang: 'en',
  merchantName: 'Acme Shop',
  amountDisplay: '123.45',
  currency: 'USD',
  requestId: 'REQ-20250615-0001',
  remark: 'Gift wrap please',
  products: [{ name: 'Blue mug', quantity: '2', amountDisplay: '100.00' }, { name: 'Tea', quantity: '1', amountDisplay: '23.45' }],
  expiresAtIso: '2025-06-15T12:30:00Z',
  csrfToken: 'csrf-token-value',
  formAction: '/cashier/m1/REQ-1/pay',
  cssHref: cashierCssHref,
  sandbox: false,
  ...overrides,
});
const challenge = (lang: 'en' | 'zh' = 'en', merchantName = 'Acme Shop') => renderChallengePage({
  lang, merchantName, amountDisplay: '123.45', currency: 'USD', csrfToken: 'tok', formAction: '/cashier/x/otp', cssHref: cashierCssHref, sandbox: true,
});
const result = (outcome: ResultOutcome, extra: Partial<Parameters<typeof renderResultPage>[0]> = {}) => renderResultPage({
  lang: 'en', outcome, merchantName: 'Acme Shop', amountDisplay: '123.45', currency: 'USD', requestId: 'REQ-1', cssHref: cashierCssHref, ...extra,
});
const errorPage = (lang: 'en' | 'zh' = 'en') => renderErrorPage({
  lang, titleKey: 'errorPage.notFound.title', messageKey: 'errorPage.notFound.message', cssHref: cashierCssHref, status: 404,
});

const allPages = (): [string, string][] => [
  ['checkout', renderCheckoutPage(checkout({ merchantName: hostile, remark: hostile, errors: { number: 'error.number.invalid', form: 'error.form.declined' }, sandbox: true }))],
  ['checkout zh', renderCheckoutPage(checkout({ lang: 'zh' }))],
  ['challenge', challenge('en', hostile)],
  ...(['success', 'failed', 'expired', 'pending', 'cancelled', 'withdrawn'] as const).map(
    (o): [string, string] => [`result ${o}`, result(o, { merchantName: hostile, returnUrl: 'https://shop.example/return?a=1&b=2', statusUrl: '/cashier/s' })],
  ),
  ['error', errorPage()],
];

describe('every page', () => {
  it.each(allPages())('%s is a complete, CSP-clean document', (_name, page) => {
    expect(page.startsWith('<!doctype html>\n<html lang="')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<meta name="referrer" content="no-referrer">');
    expect(page).toMatch(/<title>[^<]+<\/title>/);
    expect(page).toContain(`<link rel="stylesheet" href="${cashierCssHref}" integrity="${cashierCssIntegrity}">`);
    // The CSP allows neither inline styles nor inline scripts: the one script is the cashier's own file, checked by its hash.
    expect(page).not.toMatch(/\sstyle=/i);
    expect(page).not.toMatch(/<style/i);
    expect([...page.matchAll(/<script[^>]*>/gi)].map((m) => m[0])).toEqual([`<script src="${cashierJsHref}" integrity="${cashierJsIntegrity}" defer>`]);
    expect(page).toContain('defer></script>\n</head>');
    // Nothing reloads itself: waiting pages are watched by the script, with a link for the same by hand.
    expect(page).not.toMatch(/http-equiv/i);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    expect(page).not.toMatch(/javascript:/i);
  });

  it.each(allPages())('%s has balanced container tags', (_name, page) => {
    for (const tag of ['div', 'section', 'form', 'ul', 'li', 'dl', 'p', 'header', 'main', 'fieldset', 'label', 'button', 'a']) {
      const open = page.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length ?? 0;
      const close = page.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0;
      expect(close, tag).toBe(open);
    }
  });
});

describe('renderCheckoutPage', () => {
  it('escapes merchant name, remark and product names', () => {
    const page = renderCheckoutPage(checkout({ merchantName: hostile, remark: hostile, products: [{ name: hostile, quantity: '1"', amountDisplay: '1.00' }] }));
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('"\'');
    expect(page.split(escapedHostile).length - 1).toBeGreaterThanOrEqual(3);
    expect(page).toContain(`<title>Pay ${escapedHostile}</title>`);
  });

  it('shows the order in its currency and a clear pay button', () => {
    const page = renderCheckoutPage(checkout());
    expect(page).toContain('<span class="amount__value">123.45</span><span class="amount__currency">USD</span>');
    expect(page).toContain('REQ-20250615-0001');
    expect(page).toContain('Blue mug');
    expect(page).toContain('100.00 USD');
    expect(page).toContain('Qty 2');
    expect(page).toContain('Complete payment before 2025-06-15 12:30 UTC');
    expect(page).toMatch(/<button class="button button--primary button--pay" type="submit">Pay 123.45 USD<\/button>/);
  });

  it('posts a no-JavaScript form with the right fields and autocomplete hints', () => {
    const page = renderCheckoutPage(checkout());
    expect(page).toContain('<form method="post" action="/cashier/m1/REQ-1/pay"');
    expect(page).toContain('<input type="hidden" name="_csrf" value="csrf-token-value">');
    expect(page).toMatch(/name="holder"[^>]*autocomplete="cc-name"/);
    expect(page).toMatch(/name="number"[^>]*inputmode="numeric"[^>]*autocomplete="cc-number"/);
    expect(page).toMatch(/name="expiryMonth"[^>]*autocomplete="cc-exp-month"/);
    expect(page).toMatch(/name="expiryYear"[^>]*autocomplete="cc-exp-year"/);
    expect(page).toMatch(/name="cvv"[^>]*inputmode="numeric"[^>]*autocomplete="cc-csc"/);
  });

  it('never writes a card number or CVV into the page, even when handed one', () => {
    const values = { holder: '4111 1111 1111 1111', expiryMonth: '737', expiryYear: '4111111111111111', number: '4111111111111111', cvv: '737' };
    const page = renderCheckoutPage(checkout({ values: values as CheckoutPageModel['values'], errors: { number: 'error.number.invalid' } }));
    expect(page).not.toContain('4111111111111111');
    expect(page).not.toContain('4111 1111 1111 1111');
    expect(page).not.toMatch(/value="737"/);
    expect(page).not.toMatch(/<input[^>]*name="(number|cvv)"[^>]*value=/);
  });

  it('echoes the holder and expiry after a failed submit and asks for the card again', () => {
    const page = renderCheckoutPage(checkout({ values: { holder: 'Jane "JD" Doe', expiryMonth: '05', expiryYear: '2025' }, errors: { expiry: 'error.expiry.past' } }));
    expect(page).toContain('value="Jane &quot;JD&quot; Doe"');
    expect(page).toMatch(/name="expiryMonth"[^>]*value="05"/);
    expect(page).toMatch(/name="expiryYear"[^>]*value="2025"/);
    expect(page).toContain(messages.en['card.reenter']);
  });

  it('lists field errors, links them to their inputs and marks inputs invalid', () => {
    const page = renderCheckoutPage(checkout({ errors: { form: 'error.form.declined', number: 'error.number.invalid', cvv: 'no.such.key' } }));
    expect(page).toContain('role="alert"');
    expect(page).toContain(`<li>${messages.en['error.form.declined']}</li>`);
    expect(page).toContain(`<a href="#number">${messages.en['error.number.invalid']}</a>`);
    expect(page).toContain(`<a href="#cvv">${messages.en['error.generic']}</a>`);
    expect(page).toMatch(/id="number"[^>]*aria-describedby="number-error" aria-invalid="true"/);
    expect(page).toContain('<span class="field__error" id="number-error">');
    expect(page).not.toContain('no.such.key');
    expect(renderCheckoutPage(checkout())).not.toContain('aria-invalid');
  });

  it('says in the title that the form was refused and puts focus on the error summary', () => {
    const refused = renderCheckoutPage(checkout({ errors: { number: 'error.number.invalid' } }));
    expect(refused).toContain('<title>Error: Pay Acme Shop</title>'.replace('Pay Acme Shop', messages.en['page.checkout.title'].replace('{merchant}', 'Acme Shop')));
    expect(refused).toMatch(/<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>/);
    const zh = renderCheckoutPage(checkout({ lang: 'zh', errors: { number: 'error.number.invalid' } }));
    expect(zh).toContain(`<title>错误：${messages.zh['page.checkout.title'].replace('{merchant}', 'Acme Shop')}</title>`);
    const fresh = renderCheckoutPage(checkout());
    expect(fresh).not.toContain('autofocus');
    expect(fresh).not.toContain('<title>Error');
  });

  it('names the time zone of the deadline and lets the script show the payer\'s own', () => {
    expect(renderCheckoutPage(checkout())).toContain('<p class="expires" data-local-time="2025-06-15T12:30:00Z" data-local-template="Complete payment before {time}">Complete payment before 2025-06-15 12:30 UTC</p>');
    // Chinese payers read Beijing time (UTC+8) until the script knows better.
    expect(renderCheckoutPage(checkout({ lang: 'zh' }))).toContain('>请在 2025-06-15 20:30 北京时间 前完成支付</p>');
    expect(renderCheckoutPage(checkout({ lang: 'zh', expiresAtIso: '2025-06-15T20:00:00Z' }))).toContain('请在 2025-06-16 04:00 北京时间 前完成支付');
  });

  it('shows the sandbox banner only in sandbox', () => {
    expect(renderCheckoutPage(checkout({ sandbox: true }))).toContain('Sandbox — no real money is charged');
    expect(renderCheckoutPage(checkout({ sandbox: false }))).not.toContain('sandbox-banner');
  });

  it('speaks Chinese when asked', () => {
    const zh = renderCheckoutPage(checkout({ lang: 'zh', sandbox: true }));
    expect(zh).toContain('<html lang="zh-CN">');
    for (const text of ['卡号', '持卡人姓名', '有效期', '安全码', '支付 123.45 USD', '沙箱环境', '订单号']) expect(zh).toContain(text);
    expect(zh).not.toContain('Card number');
    const en = renderCheckoutPage(checkout());
    expect(en).toContain('<html lang="en">');
    expect(en).not.toContain('卡号');
  });
});

describe('renderChallengePage', () => {
  it('asks for a one-time code with submit first and a cancel that skips validation', () => {
    const page = challenge();
    expect(page).toMatch(/<input[^>]*name="otp"[^>]*autocomplete="one-time-code"/);
    const submit = page.indexOf('name="action" value="submit"');
    const cancel = page.indexOf('name="action" value="cancel" formnovalidate');
    expect(submit).toBeGreaterThan(0);
    expect(cancel).toBeGreaterThan(submit);
    expect(page).toContain('<input type="hidden" name="_csrf" value="tok">');
    expect(page).toContain('sandbox-banner');
  });

  it('escapes the merchant name inside the translated sentence', () => {
    const page = challenge('en', hostile);
    expect(page).not.toContain('<script>alert');
    expect(page).toContain(`123.45 USD to ${escapedHostile}.`);
  });

  it('shows an error and speaks Chinese', () => {
    const page = renderChallengePage({
      lang: 'zh', merchantName: 'M', amountDisplay: '1.00', currency: 'CNY', csrfToken: 't', formAction: '/a', cssHref: '/c.css', sandbox: false, error: 'error.otp.invalid',
    });
    expect(page).toContain(messages.zh['error.otp.invalid']);
    expect(page).toContain('aria-invalid="true"');
    expect(page).toContain('动态验证码');
    expect(page).toContain('<title>错误：');
    expect(page).toContain('tabindex="-1" autofocus');
  });

  it('tells a sandbox payer which code passes, in the page language', () => {
    const hinted = (lang: 'en' | 'zh', sandboxHint: string) => renderChallengePage({
      lang, merchantName: 'M', amountDisplay: '1.00', currency: 'CNY', csrfToken: 't', formAction: '/a', cssHref: '/c.css', sandbox: true, sandboxHint,
    });
    expect(hinted('zh', 'Sandbox: enter 123456 to pass, anything else to fail.')).toContain('<p class="notice">沙箱：输入 123456 即通过验证，输入其他内容则验证失败。</p>');
    expect(hinted('en', 'Sandbox: enter 123456 to pass, anything else to fail.')).toContain('<p class="notice">Sandbox: enter 123456 to pass, anything else to fail.</p>');
    // A hint of another shape is shown as written, marked as English on a Chinese page.
    expect(hinted('zh', 'Use the issuer app.')).toContain('<p class="notice" lang="en">Use the issuer app.</p>');
    expect(hinted('en', 'Use the issuer app.')).toContain('<p class="notice">Use the issuer app.</p>');
  });
});

describe('renderResultPage', () => {
  it.each(['success', 'failed', 'expired', 'pending', 'cancelled', 'withdrawn'] as const)('%s shows its outcome', (outcome) => {
    const page = result(outcome);
    expect(page).toContain(messages.en[`result.${outcome}.title`]);
    expect(page).toContain(`result__icon--${outcome}`);
  });

  it('links back to the merchant with a GET link', () => {
    const page = result('success', { returnUrl: 'https://shop.example/return?merchantId=m1&requestId=R"1' });
    expect(page).toContain('<a class="button button--primary" href="https://shop.example/return?merchantId=m1&amp;requestId=R%221">Return to Acme Shop</a>');
  });

  it.each(['javascript:alert(1)', 'data:text/html,x', '//evil.example/', 'not a url'])('does not link to %s', (returnUrl) => {
    expect(result('failed', { returnUrl })).not.toContain('Return to');
  });

  it('explains known failure reasons and hides unknown ones', () => {
    expect(result('failed', { reasonKey: 'reason.insufficientFunds' })).toContain(messages.en['reason.insufficientFunds']);
    expect(result('failed', { reasonKey: 'reason.nope' })).not.toContain('result__reason');
    expect(result('failed', { reasonKey: 'page.sandbox' })).not.toContain('result__reason');
  });

  it('makes a pending page re-check itself, same origin only', () => {
    const page = result('pending', { statusUrl: '/cashier/m1/R1/status' });
    expect(page).toContain('<main class="page" data-watch-url="/cashier/m1/R1/status" data-watch-seconds="5">');
    expect(page).toContain('<a class="button button--secondary" href="/cashier/m1/R1/status">Check status again</a>');
    expect(result('pending', { statusUrl: 'https://evil.example/' })).not.toContain('data-watch-url');
    expect(result('pending', { statusUrl: '//evil.example/' })).not.toContain('data-watch-url');
    expect(result('success', { statusUrl: '/cashier/s' })).not.toContain('data-watch-url');
  });

  it('speaks Chinese', () => {
    const page = renderResultPage({ lang: 'zh', outcome: 'success', merchantName: 'M', amountDisplay: '1.00', currency: 'CNY', requestId: 'R', cssHref: '/c.css', returnUrl: 'https://m.example/' });
    expect(page).toContain('支付成功');
    expect(page).toContain('返回 M');
  });
});

describe('renderErrorPage', () => {
  it('renders the requested message and status', () => {
    const page = errorPage('zh');
    expect(page).toContain(messages.zh['errorPage.notFound.title']);
    expect(page).toContain('错误代码 404');
  });

  it('falls back to a generic message for unknown keys', () => {
    const page = renderErrorPage({ lang: 'en', titleKey: '<b>', messageKey: 'x', cssHref: '/c.css' });
    expect(page).toContain(messages.en['errorPage.generic.title']);
    expect(page).toContain(messages.en['errorPage.generic.message']);
    expect(page).not.toContain('<b>');
  });
});
