import type { MessageKey } from './i18n/en.js';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Pages named by their menu entry; merchants and operators share some paths but not their names. */
const MENU_TITLES: Record<string, { merchant: MessageKey; operator: MessageKey }> = {
  '/': { merchant: 'nav.dashboard', operator: 'nav.dashboard' },
  '/orders': { merchant: 'nav.orders', operator: 'nav.orders' },
  '/refunds/batch': { merchant: 'nav.batch', operator: 'nav.batch' },
  '/refunds/approvals': { merchant: 'nav.approvals', operator: 'nav.approvals' },
  '/disputes': { merchant: 'nav.disputes', operator: 'nav.opDisputes' },
  '/money': { merchant: 'nav.money', operator: 'nav.money' },
  '/integration': { merchant: 'nav.integration', operator: 'nav.integration' },
  '/merchants': { merchant: 'nav.merchants', operator: 'nav.merchants' },
  '/merchants/new': { merchant: 'title.newMerchant', operator: 'title.newMerchant' },
  '/backlog': { merchant: 'nav.backlog', operator: 'nav.backlog' },
  '/fx': { merchant: 'nav.opFx', operator: 'nav.opFx' },
  '/settlement': { merchant: 'nav.opMoney', operator: 'nav.opMoney' },
  '/remittances': { merchant: 'nav.opRemittances', operator: 'nav.opRemittances' },
  '/channels': { merchant: 'nav.opChannels', operator: 'nav.opChannels' },
  '/users': { merchant: 'nav.users', operator: 'nav.users' },
  '/audit': { merchant: 'nav.audit', operator: 'nav.audit' },
  '/account': { merchant: 'nav.account', operator: 'nav.account' },
};

/** The document title of a back-office route: the page first, so tabs and screen readers tell pages apart. */
export function routeTitle(path: string, kind: 'merchant' | 'operator' | 'anonymous', t: Translate): string {
  if (kind === 'anonymous') return t('title.page', { page: t('login.title') });
  const detail = (re: RegExp, key: MessageKey) => {
    const m = re.exec(path);
    return m ? t(key, { id: decodeURIComponent(m[1]!) }) : undefined;
  };
  const page =
    (path === '/merchants/new' ? undefined : detail(/^\/merchants\/([^/]+)$/, 'title.merchantDetail')) ??
    detail(/^\/orders\/([^/]+)$/, 'title.orderDetail') ??
    detail(/^\/disputes\/([^/]+)$/, 'title.disputeDetail') ??
    t((MENU_TITLES[path] ?? MENU_TITLES['/']!)[kind]);
  return t('title.page', { page });
}
