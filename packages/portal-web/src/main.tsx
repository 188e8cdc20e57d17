import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, can, setCsrfToken, type Me } from './api.js';
import { App, type AppContext } from './context.js';
import { Link } from './components.js';
import { viewerTimeZone } from './format.js';
import { routeTitle } from './route-title.js';
import type { MessageKey } from './i18n/en.js';
import { initialLocale, saveLocale, translate, type Locale } from './i18n/i18n.js';
import { LoginPage } from './pages/login.js';
import { DashboardPage } from './pages/dashboard.js';
import { OrdersPage } from './pages/orders.js';
import { OrderDetailPage } from './pages/order-detail.js';
import { BacklogPage } from './pages/operator.js';
// Operator console pages.
import { OnboardMerchantPage, OperatorMerchantsPage } from './pages/operator-merchants.js';
import { OperatorMerchantDetailPage } from './pages/operator-merchant-detail.js';
import { OperatorFxPage } from './pages/operator-fx.js';
import { OperatorDisputesPage } from './pages/operator-disputes.js';
import { OperatorSettlementPage } from './pages/operator-money.js';
import { OperatorRemittancesPage } from './pages/operator-remittances.js';
import { OperatorChannelsPage } from './pages/operator-channels.js';
import { AuditPage, UsersPage } from './pages/users.js';
import { AccountPage } from './pages/account.js';
import { BatchRefundsPage } from './pages/batch-refunds.js';
// Merchant back-office pages.
import { ApprovalsPage } from './pages/approvals.js';
import { DisputeDetailPage, DisputesPage } from './pages/disputes.js';
import { MoneyPage } from './pages/money.js';
import { IntegrationPage } from './pages/integration.js';

/** The path inside the app, without the `/portal` base. */
function currentPath(): string {
  const p = location.pathname.replace(/^\/portal/, '');
  return p === '' ? '/' : p;
}

function Root() {
  const [locale, setLocale] = useState<Locale>(initialLocale());
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [path, setPath] = useState(currentPath());
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);

  const loadMe = async () => {
    try {
      const m = await api.get<Me>('/me');
      setCsrfToken(m.csrfToken);
      setMe(m);
    } catch (e) {
      if (e instanceof ApiFailure && e.error.status === 401) setMe(null);
      else throw e;
    }
  };
  useEffect(() => {
    void loadMe();
    const onPop = () => setPath(currentPath());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
  }, [locale]);
  useEffect(() => {
    if (me !== undefined) document.title = routeTitle(me?.user.mustChangePassword ? '/account' : path, me ? me.user.kind : 'anonymous', t);
  }, [locale, path, me]);

  const navigate = (to: string) => {
    history.pushState(null, '', `/portal${to}`);
    setPath(to);
    scrollTo(0, 0);
  };
  const languagePicker = (
    <label class="language">
      {t('app.language')}{' '}
      <select
        value={locale}
        onChange={(e) => {
          const l = e.currentTarget.value as Locale;
          saveLocale(l);
          setLocale(l);
        }}
      >
        <option value="en">English</option>
        <option value="zh">中文</option>
      </select>
    </label>
  );

  if (me === undefined) return <p aria-busy="true">{t('common.loading')}</p>;
  if (me === null)
    return (
      <>
        <header class="bar">{languagePicker}</header>
        <LoginPage t={t} onLoggedIn={() => void loadMe().then(() => navigate('/'))} />
      </>
    );

  const ctx: AppContext = { me, locale, t, navigate };
  const operator = me.user.kind === 'operator';
  const mustChange = me.user.mustChangePassword;
  const nav: [string, MessageKey, boolean][] = [
    ['/', 'nav.dashboard', true],
    ['/orders', 'nav.orders', true],
    ['/refunds/batch', 'nav.batch', can(me, 'merchant.refund')],
    ['/refunds/approvals', 'nav.approvals', can(me, 'merchant.refund')],
    ['/disputes', 'nav.disputes', !operator],
    ['/money', 'nav.money', can(me, 'merchant.money')],
    ['/integration', 'nav.integration', !operator],
    ['/merchants', 'nav.merchants', operator],
    ['/backlog', 'nav.backlog', operator],
    ['/fx', 'nav.opFx', operator],
    ['/disputes', 'nav.opDisputes', operator],
    ['/settlement', 'nav.opMoney', operator],
    ['/remittances', 'nav.opRemittances', operator],
    ['/channels', 'nav.opChannels', operator],
    ['/users', 'nav.users', can(me, operator ? 'operator.users' : 'merchant.users')],
    ['/audit', 'nav.audit', can(me, operator ? 'operator.audit' : 'merchant.audit')],
    ['/account', 'nav.account', true],
  ];
  let page;
  const detail = /^\/orders\/([^/]+)$/.exec(path);
  const merchantDetail = /^\/merchants\/(\d+)$/.exec(path);
  const disputeDetail = /^\/disputes\/([^/]+)$/.exec(path);
  if (mustChange || path === '/account') page = <AccountPage onChanged={() => void loadMe()} />;
  else if (detail) page = <OrderDetailPage orderId={decodeURIComponent(detail[1]!)} />;
  else if (path === '/orders') page = <OrdersPage />;
  else if (path === '/refunds/batch' && can(me, 'merchant.refund')) page = <BatchRefundsPage />;
  else if (path === '/merchants' && operator) page = <OperatorMerchantsPage />;
  else if (path === '/merchants/new' && can(me, 'operator.merchants')) page = <OnboardMerchantPage />;
  else if (merchantDetail && operator) page = <OperatorMerchantDetailPage merchantId={decodeURIComponent(merchantDetail[1]!)} />;
  else if (path === '/fx' && operator) page = <OperatorFxPage />;
  else if (path === '/disputes' && operator) page = <OperatorDisputesPage />;
  else if (path === '/settlement' && operator) page = <OperatorSettlementPage />;
  else if (path === '/remittances' && operator) page = <OperatorRemittancesPage />;
  else if (path === '/channels' && operator) page = <OperatorChannelsPage />;
  else if (path === '/refunds/approvals' && can(me, 'merchant.refund')) page = <ApprovalsPage />;
  else if (path === '/disputes' && !operator) page = <DisputesPage />;
  else if (path === '/money' && can(me, 'merchant.money')) page = <MoneyPage />;
  else if (path === '/integration' && !operator) page = <IntegrationPage />;
  else if (disputeDetail && !operator) page = <DisputeDetailPage disputeId={decodeURIComponent(disputeDetail[1]!)} />;
  else if (path === '/backlog' && operator) page = <BacklogPage />;
  else if (path === '/users') page = <UsersPage />;
  else if (path === '/audit') page = <AuditPage />;
  else page = <DashboardPage />;

  return (
    <App.Provider value={ctx}>
      <header class="bar">
        <strong>{operator ? t('app.operatorConsole') : `${t('app.merchantPortal')} · ${me.user.merchantId}`}</strong>
        <nav aria-label="main">
          {nav
            .filter(([, , shown]) => shown && !mustChange)
            .map(([href, key]) => (
              <Link key={href} href={href}>
                {t(key)}
              </Link>
            ))}
        </nav>
        <span class="who">{me.user.email}</span>
        {languagePicker}
        <button
          type="button"
          class="secondary"
          onClick={async () => {
            await api.post('/logout');
            setMe(null);
          }}
        >
          {t('nav.logout')}
        </button>
      </header>
      <main>{page}</main>
      <footer>{t('app.timeZone', { zone: viewerTimeZone })}</footer>
    </App.Provider>
  );
}

render(<Root />, document.getElementById('app')!);
