import { useState } from 'preact/hooks';
import { api, prefixOf } from '../api.js';
import { ErrorLine, errorText, Field, Loading, useLoad, DataTable } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';

interface User {
  userId: string;
  email: string;
  kind: string;
  merchantId: string | null;
  role: string;
  status: string;
  totpEnabled: boolean;
  locked: boolean;
}

const ROLES = { '/m': ['admin', 'finance', 'support'], '/o': ['super_admin', 'risk', 'finance', 'read_only'] } as const;

export function UsersPage() {
  const { me, t } = useApp();
  const prefix = prefixOf(me);
  const { data, error, reload } = useLoad(() => api.get<{ users: User[] }>(`${prefix}/users`), [prefix]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<string>(ROLES[prefix][1]);
  const [kind, setKind] = useState('operator');
  const [merchantId, setMerchantId] = useState('');
  const [notice, setNotice] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const act = async (task: () => Promise<string | undefined>) => {
    setFormError(undefined);
    try {
      setNotice(await task());
      reload();
    } catch (e) {
      setFormError(errorText(e));
    }
  };
  const roles = prefix === '/o' && kind === 'merchant' ? ROLES['/m'] : ROLES[prefix];
  return (
    <>
      <h1>{t('users.title')}</h1>
      <ErrorLine error={error} />
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            const r = await api.post<{ user: User; temporaryPassword: string }>(`${prefix}/users`, { email, role, ...(prefix === '/o' ? { kind, merchantId } : {}) });
            setEmail('');
            return t('users.created', { email: r.user.email, password: r.temporaryPassword });
          });
        }}
      >
        <Field label={t('users.email')} id="u-email" error={formError}>
          <input id="u-email" type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </Field>
        {prefix === '/o' ? (
          <>
            <Field label={t('users.kind')} id="u-kind">
              <select id="u-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
                <option value="operator">operator</option>
                <option value="merchant">merchant</option>
              </select>
            </Field>
            {kind === 'merchant' ? (
              <Field label={t('users.merchantId')} id="u-merchant">
                <input id="u-merchant" required value={merchantId} onInput={(e) => setMerchantId(e.currentTarget.value)} />
              </Field>
            ) : null}
          </>
        ) : null}
        <Field label={t('users.role')} id="u-role">
          <select id="u-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit">{t('users.create')}</button>
      </form>
      {!data ? (
        <Loading />
      ) : (
        <DataTable headings={[t('users.email'), t('users.kind'), t('users.role'), t('users.status'), t('users.secondFactor'), '']}>
              {data.users.map((u) => (
                <tr key={u.userId}>
                  <td>{u.email}</td>
                  <td>{u.kind === 'merchant' ? `merchant ${u.merchantId}` : 'operator'}</td>
                  <td>{u.role}</td>
                  <td>
                    {u.status}
                    {u.locked ? ' 🔒' : ''}
                  </td>
                  <td>{u.totpEnabled ? t('common.yes') : t('common.no')}</td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="secondary"
                      onClick={() => void act(async () => t('users.resetDone', { email: u.email, password: (await api.post<{ temporaryPassword: string }>(`${prefix}/users/${u.userId}/reset-password`)).temporaryPassword }))}
                    >
                      {t('users.reset')}
                    </button>
                    {u.userId !== me.user.userId ? (
                      <button type="button" class="secondary" onClick={() => void act(async () => (await api.post(`${prefix}/users/${u.userId}/status`, { status: u.status === 'active' ? 'disabled' : 'active' }), undefined))}>
                        {u.status === 'active' ? t('users.disable') : t('users.enable')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
        </DataTable>
      )}
    </>
  );
}

export function AuditPage() {
  const { me, t, locale } = useApp();
  const prefix = prefixOf(me);
  const { data, error } = useLoad(() => api.get<{ entries: { id: string; atMs: number; actorEmail: string; action: string; target: string; before: unknown; after: unknown }[] }>(`${prefix}/audit`), [prefix]);
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : (
        <DataTable headings={[t('order.at'), t('audit.who'), t('audit.what'), t('audit.target'), t('audit.change')]}>
              {data.entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatTime(e.atMs, locale)}</td>
                  <td>{e.actorEmail}</td>
                  <td>{e.action}</td>
                  <td>{e.target}</td>
                  <td>
                    <code>{e.before ? JSON.stringify(e.before) : ''}</code>
                    {e.after ? ' → ' : ''}
                    <code>{e.after ? JSON.stringify(e.after) : ''}</code>
                  </td>
                </tr>
              ))}
        </DataTable>
      )}
    </>
  );
}
