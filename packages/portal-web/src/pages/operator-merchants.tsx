import { useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, ErrorLine, Field, Link, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { downloadJson, State, useSubmit } from './operator-kit.js';

export interface MerchantRow {
  merchantId: string;
  name: string;
  status: string;
  sandbox: boolean;
  allowedHosts: string[];
  createdAtMs: number;
}

/** The methods every gateway runs in its default set-up, for the onboarding form before the first merchant exists. */
export const METHOD_CHOICES = ['CARD', 'ALIPAY_SCAN', 'ALIPAY_WAP', 'WECHAT_SCAN', 'WECHAT_OFFICIAL', 'B2C', 'OFFLINE'] as const;

export function OperatorMerchantsPage() {
  const { me, t, locale } = useApp();
  const { data, error } = useLoad(() => api.get<{ merchants: MerchantRow[] }>('/o/merchants'), []);
  return (
    <>
      <h1>{t('merchants.title')}</h1>
      {can(me, 'operator.merchants') ? (
        <p>
          <Link href="/merchants/new">{t('opm.onboard')}</Link>
        </p>
      ) : null}
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : (
        <DataTable headings={[t('merchants.id'), t('merchants.name'), t('merchants.status'), t('merchants.mode'), t('orders.created')]}>
          {data.merchants.map((m) => (
            <tr key={m.merchantId} data-merchant-id={m.merchantId}>
              <td>
                <Link href={`/merchants/${m.merchantId}`}>{m.merchantId}</Link>
              </td>
              <td>{m.name}</td>
              <td>
                <State value={m.status} />
              </td>
              <td>{m.sandbox ? t('merchants.sandbox') : t('merchants.live')}</td>
              <td>{formatTime(m.createdAtMs, locale)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}

/** Check boxes for payment methods; none ticked: every method the gateway runs. */
export function MethodPicker({ choices, value, onChange, error }: { choices: readonly string[]; value: string[]; onChange: (v: string[]) => void; error?: string | undefined }) {
  const { t } = useApp();
  return (
    <fieldset class="field checks" aria-describedby={error ? 'methods-error' : undefined}>
      <legend>{t('opm.methods')}</legend>
      {choices.map((m) => (
        <label key={m} class="check">
          <input type="checkbox" checked={value.includes(m)} onChange={(e) => onChange(e.currentTarget.checked ? [...value, m] : value.filter((x) => x !== m))} /> {m}
        </label>
      ))}
      <span class="muted">{t('opm.methodsHelp')}</span>
      {error ? (
        <span class="field-error" role="alert" id="methods-error">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}

export function OnboardMerchantPage() {
  const { t, navigate } = useApp();
  const [merchantId, setMerchantId] = useState('');
  const [name, setName] = useState('');
  const [mode, setMode] = useState('sandbox');
  const [hosts, setHosts] = useState('');
  const [methods, setMethods] = useState<string[]>(['CARD']);
  const [bundle, setBundle] = useState<{ merchantId: string; pfxPassword: string } & Record<string, unknown>>();
  const form = useSubmit();
  if (bundle) {
    return (
      <>
        <h1>{t('opm.onboarded', { id: bundle.merchantId })}</h1>
        <p class="notice" role="status" data-testid="bundle-notice">
          {t('opm.bundleOnce')}
        </p>
        <p>
          <button type="button" onClick={() => downloadJson(`${bundle.merchantId}-key-bundle.json`, bundle)}>
            {t('opm.downloadBundle')}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => navigate(`/merchants/${bundle.merchantId}`)}>
            {t('opm.toMerchant')}
          </button>
        </p>
      </>
    );
  }
  return (
    <>
      <p>
        <Link href="/merchants">{t('opm.back')}</Link>
      </p>
      <h1>{t('opm.onboard')}</h1>
      <form
        class="inline-form wide"
        onSubmit={(e) => {
          e.preventDefault();
          void form.run(async () => {
            const r = await api.post<{ bundle: { merchantId: string; pfxPassword: string } & Record<string, unknown> }>('/o/merchants', { merchantId, name, mode, allowedHosts: hosts, methods });
            setBundle(r.bundle);
          });
        }}
      >
        <Field label={t('opm.merchantIdHelp')} id="om-id" error={form.error('merchantId')}>
          <input id="om-id" inputMode="numeric" autoComplete="off" required value={merchantId} onInput={(e) => setMerchantId(e.currentTarget.value)} />
        </Field>
        <Field label={t('merchants.name')} id="om-name" error={form.error('name')}>
          <input id="om-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t('merchants.mode')} id="om-mode" error={form.error('mode')}>
          <select id="om-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
            <option value="sandbox">{t('merchants.sandbox')}</option>
            <option value="live">{t('merchants.live')}</option>
          </select>
        </Field>
        <Field label={t('opm.hosts')} id="om-hosts" error={form.error('allowedHosts')}>
          <textarea id="om-hosts" rows={3} required value={hosts} onInput={(e) => setHosts(e.currentTarget.value)} />
        </Field>
        <MethodPicker choices={METHOD_CHOICES} value={methods} onChange={setMethods} error={form.error('methods')} />
        <ErrorLine error={form.formError} />
        <button type="submit" disabled={form.busy}>
          {t('opm.create')}
        </button>
      </form>
    </>
  );
}
