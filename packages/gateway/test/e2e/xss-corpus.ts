/**
 * Markup a merchant, payer or back-office user may type where the gateway
 * later shows it: script tags, event handlers, javascript: URLs, SVG and
 * MathML, attribute and element breakouts, and Unicode look-alikes. Each one
 * calls `window.__xss(tag)` if it ever runs, so a page reports which one got
 * through. At most 255 characters (the longest text field).
 */
export const XSS_PAYLOADS: readonly string[] = [
  `<script>window.__xss('script')</script>`,
  `<img src=x onerror="window.__xss('img-onerror')">`,
  `<svg onload="window.__xss('svg-onload')">`,
  `<svg><script>window.__xss('svg-script')</script></svg>`,
  `"><script>window.__xss('attr-dq')</script>`,
  `'><img src=x onerror=window.__xss('attr-sq')>`,
  `" autofocus onfocus="window.__xss('attr-handler')" x="`,
  `javascript:window.__xss('js-url')`,
  `<a href="javascript:window.__xss('a-js')" id="xss-link">pay</a>`,
  `<iframe srcdoc="<script>parent.__xss('srcdoc')</script>"></iframe>`,
  `<body onload=window.__xss('body-onload')>`,
  `<details open ontoggle=window.__xss('details')>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=window.__xss('mxss')>`,
  `＜script＞window.__xss('fullwidth')＜/script＞`,
  `\\u003cscript\\u003ewindow.__xss('escaped')\\u003c/script\\u003e`,
  `<scr<script>ipt>window.__xss('nested')</scr</script>ipt>`,
  `</title><script>window.__xss('title')</script>`,
  `</textarea></style><script>window.__xss('rawtext')</script>`,
  `{{constructor.constructor('window.__xss("template")')()}}`,
  `<input autofocus onfocus=window.__xss('autofocus')>`,
  `<video><source onerror=window.__xss('video')></video>`,
  `\u202e<script>window.__xss('rtl')</script>`,
  `<svg><animate onbegin=window.__xss('animate') attributeName=x dur=1s>`,
  `<object data="javascript:window.__xss('object')"></object>`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.__xss('meta')">`,
  `<base href="javascript:window.__xss('base')//">`,
  `<form action="javascript:window.__xss('form')"><button id=xss-button>go</button></form>`,
  `<img src=x:x onerror&#x3d;window.__xss('entity')>`,
  `%3Cscript%3Ewindow.__xss('percent')%3C/script%3E`,
  `<noscript><p title="</noscript><img src=x onerror=window.__xss('noscript')>">`,
];

/** Installed in every page before its own scripts: counts executions, dialogs and blocked inline code. */
export const XSS_HOOK = `
  window.__xssHits = [];
  window.__xss = (tag) => window.__xssHits.push('ran:' + String(tag));
  // The page's own dialogs (a refund asks for confirmation) go through; one raised by a payload is counted.
  for (const name of ['alert', 'confirm', 'prompt']) {
    const original = window[name];
    window[name] = function (message, ...rest) {
      if (/xss/i.test(String(message))) window.__xssHits.push('dialog:' + name);
      return original.call(this, message, ...rest);
    };
  }
  document.addEventListener('securitypolicyviolation', (e) => window.__xssHits.push('csp:' + e.violatedDirective + ':' + (e.sample || e.blockedURI)));
`;

/** Markup that came from data and not from the page: inline handlers, javascript: URLs, inline scripts. */
export const INJECTED_MARKUP = `(() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value)) found.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60));
    }
  }
  for (const s of document.querySelectorAll('script:not([src])')) found.push('inline script: ' + s.textContent.slice(0, 60));
  return found;
})()`;
