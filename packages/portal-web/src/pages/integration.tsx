import { useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, ErrorLine, errorText, Field, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { base64Of } from '../field-errors.js';
import { formatTime } from '../format.js';

interface Certificate {
  fingerprintSha256: string;
  notAfterMs: number;
  createdAtMs: number;
  retiresAtMs: number | null;
}

interface Integration {
  merchantId: string;
  sandbox: boolean;
  allowedHosts: string[];
  certificates: Certificate[];
  testCards: { pan: string; brand: string; description: string }[];
  challengeCode: string | null;
}

interface ApiCall {
  atMs: number;
  method: string;
  path: string;
  httpStatus: number;
  resultCode: string | null;
  elapsedMs: number;
}

/** A certificate file as PEM: PEM files as they are, DER files wrapped. */
async function pemOf(file: File): Promise<string> {
  const text = await file.text();
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  const b64 = (await base64Of(file)).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function CertificateForm({ onDone }: { onDone: () => void }) {
  const { t } = useApp();
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setError(undefined);
    setNotice(undefined);
    try {
      await api.post('/m/integration/certificate', { certificatePem: await pemOf(file) });
      setNotice(t('integration.uploaded'));
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <Field label={t('integration.upload')} id="cert-file" error={error}>
        <input id="cert-file" type="file" required accept=".cer,.crt,.pem" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
      </Field>
      <button type="submit" disabled={!file}>
        {t('integration.uploadSubmit')}
      </button>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
    </form>
  );
}

function HostsForm({ hosts, onDone }: { hosts: string[]; onDone: () => void }) {
  const { me, t } = useApp();
  const [value, setValue] = useState(hosts.join(', '));
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const editable = can(me, 'merchant.settings');
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setNotice(undefined);
    try {
      await api.post('/m/integration/allowed-hosts', { hosts: value });
      setNotice(t('integration.hostsSaved'));
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <Field label={t('integration.hosts')} id="hosts" error={error}>
        <input id="hosts" required disabled={!editable} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      </Field>
      {editable ? <button type="submit">{t('integration.hostsSave')}</button> : null}
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
    </form>
  );
}

function TestNotification() {
  const { t } = useApp();
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setNotice(undefined);
    try {
      const r = await api.post<{ notificationId: string; orderId: string }>('/m/integration/test-notification', { url });
      setNotice(t('integration.testSent', { id: r.notificationId, order: r.orderId }));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-labelledby="test-title">
      <h2 id="test-title">{t('integration.testNotification')}</h2>
      <p class="muted">{t('integration.testHelp')}</p>
      <Field label={t('integration.testUrl')} id="test-url" error={error}>
        <input id="test-url" type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      </Field>
      <button type="submit">{t('integration.testNotification')}</button>
      {notice ? (
        <p class="notice" role="status" data-testid="test-notification-result">
          {notice}
        </p>
      ) : null}
    </form>
  );
}

function RequestLogTable() {
  const { t, locale } = useApp();
  const { data, error } = useLoad(() => api.get<{ requests: ApiCall[] }>('/m/integration/requests'), []);
  return (
    <>
      <h2>{t('integration.requests')}</h2>
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : data.requests.length === 0 ? (
        <p class="muted">{t('integration.noRequests')}</p>
      ) : (
        <DataTable headings={[t('orders.created'), t('integration.route'), t('integration.httpStatus'), t('integration.resultCode'), t('integration.elapsed')]}>
          {data.requests.map((r, i) => (
            <tr key={i} data-api-call={r.path}>
              <td>{formatTime(r.atMs, locale)}</td>
              <td>
                <code>
                  {r.method} {r.path}
                </code>
              </td>
              <td class="num">{r.httpStatus}</td>
              <td>{r.resultCode ?? ''}</td>
              <td class="num">{r.elapsedMs}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}

/** Merchant id, certificates, allowed hosts, sandbox test cards, test notification, recent API calls. */
export function IntegrationPage() {
  const { me, t, locale } = useApp();
  const { data, error, reload } = useLoad(() => api.get<Integration>('/m/integration'), []);
  if (error) return <ErrorLine error={error} />;
  if (!data) return <Loading />;
  const admin = can(me, 'merchant.settings');
  return (
    <>
      <h1>{t('integration.title')}</h1>
      <dl class="facts">
        <dt>{t('integration.merchantId')}</dt>
        <dd data-testid="merchant-id">
          <code>{data.merchantId}</code>
        </dd>
        <dt>{t('integration.mode')}</dt>
        <dd>{data.sandbox ? t('integration.sandbox') : t('integration.live')}</dd>
      </dl>
      <h2>{t('integration.certificates')}</h2>
      <DataTable headings={[t('integration.fingerprint'), t('orders.created'), t('integration.validUntil'), t('integration.retires')]}>
        {data.certificates.map((c) => (
          <tr key={c.fingerprintSha256} data-certificate={c.retiresAtMs === null ? 'current' : 'retiring'}>
            <td>
              <code>{c.fingerprintSha256}</code>
            </td>
            <td>{formatTime(c.createdAtMs, locale)}</td>
            <td>{formatTime(c.notAfterMs, locale)}</td>
            <td>{c.retiresAtMs === null ? t('integration.current') : formatTime(c.retiresAtMs, locale)}</td>
          </tr>
        ))}
      </DataTable>
      {admin ? <CertificateForm onDone={reload} /> : null}
      <HostsForm hosts={data.allowedHosts} onDone={reload} />
      {can(me, 'merchant.resend') ? <TestNotification /> : null}
      {data.testCards.length > 0 ? (
        <>
          <h2>{t('integration.testCards')}</h2>
          <p class="muted">{t('integration.testCardsHelp', { code: data.challengeCode ?? '' })}</p>
          <DataTable headings={[t('integration.card'), t('integration.brand'), t('integration.outcome')]}>
            {data.testCards.map((c) => (
              <tr key={c.pan}>
                <td>
                  <code>{c.pan}</code>
                </td>
                <td>{c.brand}</td>
                <td>{c.description}</td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
      {admin ? <RequestLogTable /> : null}
    </>
  );
}
