/**
 * The cashier's one static asset. Its URL carries a content hash so it can be
 * cached forever (`immutable`) and a deploy with new CSS is never rendered
 * with a stale stylesheet. Hashed once at module load, not per request.
 */
import { createHash } from 'node:crypto';
import { cashierCss } from './assets/cashier-css.js';

export { cashierCss } from './assets/cashier-css.js';

/** 10 hex digits (40 bits): collisions between our own CSS versions are not a concern. */
export const cashierCssHash = createHash('sha256').update(cashierCss).digest('hex').slice(0, 10);
export const cashierCssHref = `/cashier/assets/cashier.${cashierCssHash}.css`;
/** Subresource Integrity of the stylesheet: a file changed on disk or on the way is not applied. */
export const cashierCssIntegrity = `sha384-${createHash('sha384').update(cashierCss).digest('base64')}`;
export const cashierCssContentType = 'text/css; charset=utf-8';
/** Safe to cache for a year: a change to the CSS changes the URL. */
export const cashierCssCacheControl = 'public, max-age=31536000, immutable';
