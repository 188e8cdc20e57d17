import { describe, expect, it } from 'vitest';
import { translate } from './i18n/i18n.js';
import type { MessageKey } from './i18n/en.js';
import { routeTitle } from './route-title.js';

const en = (key: MessageKey, params?: Record<string, string | number>) => translate('en', key, params);
const zh = (key: MessageKey, params?: Record<string, string | number>) => translate('zh', key, params);

describe('page titles', () => {
  it('gives every route of the back office its own title', () => {
    const paths = ['/', '/orders', '/refunds/batch', '/refunds/approvals', '/disputes', '/money', '/integration', '/users', '/audit', '/account'];
    const merchantTitles = paths.map((p) => routeTitle(p, 'merchant', en));
    expect(new Set(merchantTitles).size).toBe(paths.length);
    const operatorPaths = ['/', '/orders', '/merchants', '/merchants/new', '/backlog', '/fx', '/disputes', '/settlement', '/remittances', '/channels', '/users', '/audit', '/account'];
    expect(new Set(operatorPaths.map((p) => routeTitle(p, 'operator', en))).size).toBe(operatorPaths.length);
  });

  it('names the record on detail pages and speaks the viewer language', () => {
    expect(routeTitle('/orders/abc%20d', 'merchant', en)).toBe('Order abc d · OpenCashier');
    expect(routeTitle('/merchants/10002', 'operator', zh)).toBe('商户 10002 · OpenCashier');
    expect(routeTitle('/merchants/new', 'operator', en)).toBe('Onboard a merchant · OpenCashier');
    expect(routeTitle('/anything', 'anonymous', zh)).toBe('登录 · OpenCashier');
  });
});
