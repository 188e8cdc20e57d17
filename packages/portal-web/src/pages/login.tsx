import { useState } from 'preact/hooks';
import { api, ApiFailure, type Me } from '../api.js';
import { errorText, Field } from '../components.js';
import type { MessageKey } from '../i18n/en.js';

/** Refusals of the log-in form, said in the viewer's language; another answer is shown as the gateway wrote it. */
const LOGIN_REFUSALS: Record<string, MessageKey> = {
  PORTAL_LOGIN_FAILED: 'login.failed',
  PORTAL_ACCOUNT_LOCKED: 'login.locked',
  PORTAL_SECOND_FACTOR_INVALID: 'login.codeInvalid',
  RATE_LIMITED: 'login.tooMany',
};

function loginErrorText(e: unknown, t: (k: MessageKey) => string): string {
  const key = e instanceof ApiFailure ? LOGIN_REFUSALS[e.error.code] : undefined;
  return key ? t(key) : errorText(e);
}

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
      setError(loginErrorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1>{t('app.title')}</h1>
      <form onSubmit={submit} aria-labelledby="login-title">
        <h2 id="login-title">{t('login.title')}</h2>
        {/* One error for the form, named by the inputs it concerns. */}
        {error ? (
          <p class="error" role="alert" id="login-error" data-testid="login-error">
            {error}
          </p>
        ) : null}
        {step === 'password' ? (
          <>
            <Field label={t('login.email')} id="email">
              <input id="email" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'login-error' : undefined} name="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            </Field>
            <Field label={t('login.password')} id="password">
              <input id="password" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'login-error' : undefined} name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            </Field>
            <button type="submit" disabled={busy}>
              {t('login.submit')}
            </button>
          </>
        ) : (
          <>
            <Field label={t('login.code')} id="code">
              <input id="code" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'login-error' : undefined} name="code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
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
