/**
 * The cashier's static assets: a stylesheet and one small script. Its URL carries a content hash so it can be
 * cached forever (`immutable`) and a deploy with new CSS is never rendered
 * with a stale stylesheet. Hashed once at module load, not per request.
 */
import { createHash } from 'node:crypto';
import { cashierCss } from './assets/cashier-css.js';
import { cashierJs } from './assets/cashier-js.js';

export { cashierCss } from './assets/cashier-css.js';
export { cashierJs } from './assets/cashier-js.js';

/** 10 hex digits (40 bits): collisions between our own CSS versions are not a concern. */
export const cashierCssHash = createHash('sha256').update(cashierCss).digest('hex').slice(0, 10);
export const cashierCssHref = `/cashier/assets/cashier.${cashierCssHash}.css`;
/** Subresource Integrity of the stylesheet: a file changed on disk or on the way is not applied. */
export const cashierCssIntegrity = `sha384-${createHash('sha384').update(cashierCss).digest('base64')}`;
export const cashierCssContentType = 'text/css; charset=utf-8';
/** Safe to cache for a year: a change to the CSS changes the URL. */
export const cashierCssCacheControl = 'public, max-age=31536000, immutable';

/** The cashier's script, addressed and checked the same way as the stylesheet. */
export const cashierJsHash = createHash('sha256').update(cashierJs).digest('hex').slice(0, 10);
export const cashierJsHref = `/cashier/assets/cashier.${cashierJsHash}.js`;
export const cashierJsIntegrity = `sha384-${createHash('sha384').update(cashierJs).digest('base64')}`;
export const cashierJsContentType = 'text/javascript; charset=utf-8';
