import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, post, setCsrfToken } from '../api/client.ts';
import { Field } from '../ui/Field.tsx';
import type { Me } from './session.tsx';

export function SignIn() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await post<Me>('/auth/login', { email, password });
      setCsrfToken(me.csrfToken);
      qc.setQueryData(['me'], me);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('auth.wrongCredentials') : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <form onSubmit={submit} className="card w-full max-w-sm space-y-4 p-8" aria-labelledby="signin-title">
        <div>
          <div className="text-xl font-bold text-indigo-600">Rapport</div>
          <h1 id="signin-title" className="mt-2 text-lg font-semibold">
            {t('auth.signInTitle')}
          </h1>
        </div>
        <Field label={t('auth.email')} type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t('auth.password')} type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        <button type="submit" className="btn-primary w-full" disabled={busy}>
          {busy ? t('common.working') : t('auth.signIn')}
        </button>
      </form>
    </main>
  );
}
