import { useState } from 'preact/hooks';
import { api, type Me } from '../api.js';
import { errorText, Field } from '../components.js';
import type { MessageKey } from '../i18n/en.js';

type LoginAnswer = { secondFactorRequired: boolean } & Partial<Me>;

export function LoginPage({ t, onLoggedIn }: { t: (k: MessageKey) => string; onLoggedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = step === 'password' ? await api.post<LoginAnswer>('/login', { email, password }) : await api.post<LoginAnswer>('/login/second-factor', { code });
      if (answer.secondFactorRequired) setStep('code');
      else onLoggedIn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1>{t('app.title')}</h1>
      <form onSubmit={submit} aria-describedby="login-error">
        <h2>{t('login.title')}</h2>
        {step === 'password' ? (
          <>
            <Field label={t('login.email')} id="email">
              <input id="email" name="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            </Field>
            <Field label={t('login.password')} id="password" error={error}>
              <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            </Field>
            <button type="submit" disabled={busy}>
              {t('login.submit')}
            </button>
          </>
        ) : (
          <>
            <Field label={t('login.code')} id="code" error={error}>
              <input id="code" name="code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
            </Field>
            <button type="submit" disabled={busy}>
              {t('login.verify')}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
