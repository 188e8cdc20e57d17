/**
 * The cashier's pages, one module each; this is the surface the HTTP layer
 * imports. Every renderer is pure: model in, complete HTML document out.
 */
export { renderCheckoutPage, type CheckoutField, type CheckoutPageModel } from './checkout-page.js';
export { renderChallengePage, type ChallengePageModel } from './challenge-page.js';
export { pendingRefreshSeconds, renderResultPage, type ResultOutcome, type ResultPageModel } from './result-page.js';
export { renderErrorPage, type ErrorPageModel } from './error-page.js';
