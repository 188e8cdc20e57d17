import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText, Field } from '../components.js';
import { useApp } from '../context.js';

export function AccountPage({ onChanged }: { onChanged: () => void }) {
  const { me, t } = useApp();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [passwordError, setPasswordError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [enrollment, setEnrollment] = useState<{ secretSealed: string; uri: string }>();
  const [code, setCode] = useState('');
  const [totpError, setTotpError] = useState<string>();
  const secret = enrollment ? new URL(enrollment.uri).searchParams.get('secret') : null;
  return (
    <>
      <h1>{t('account.title')}</h1>
      <p>
        {me.user.email} — {me.user.kind} {me.user.role}
        {me.user.merchantId ? ` (${me.user.merchantId})` : ''}
      </p>
      {me.user.mustChangePassword ? (
        <p class="notice" role="alert">
          {t('account.mustChange')}
        </p>
      ) : null}
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setPasswordError(undefined);
          try {
            await api.post('/me/password', { currentPassword: current, newPassword: next });
            setSaved(true);
            setCurrent('');
            setNext('');
            onChanged();
          } catch (err) {
            setPasswordError(errorText(err));
          }
        }}
      >
        <h2>{t('account.changePassword')}</h2>
        <Field label={t('account.current')} id="pw-current">
          <input id="pw-current" type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </Field>
        <Field label={t('account.new')} id="pw-new" error={passwordError}>
          <input id="pw-new" type="password" autocomplete="new-password" minLength={10} required value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        </Field>
        <button type="submit">{t('account.save')}</button>
        {saved ? <p role="status">{t('account.saved')}</p> : null}
      </form>
      <section>
        <h2>{t('account.totp')}</h2>
        {me.user.totpEnabled ? (
          <p>{t('account.totpOn')}</p>
        ) : !enrollment ? (
          <button type="button" class="secondary" onClick={async () => setEnrollment(await api.post('/me/totp/setup'))}>
            {t('account.totpSetup')}
          </button>
        ) : (
          <form
            class="inline-form"
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                await api.post('/me/totp/enable', { secretSealed: enrollment.secretSealed, code });
                onChanged();
              } catch (err) {
                setTotpError(errorText(err));
              }
            }}
          >
            <p>{t('account.totpScan')}</p>
            <p>
              <code class="secret">{secret}</code>
            </p>
            <p class="muted">
              <code>{enrollment.uri}</code>
            </p>
            <Field label={t('login.code')} id="totp-code" error={totpError}>
              <input id="totp-code" inputMode="numeric" pattern="[0-9]{6}" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
            </Field>
            <button type="submit">{t('account.totpEnable')}</button>
          </form>
        )}
      </section>
    </>
  );
}
