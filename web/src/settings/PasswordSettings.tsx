import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { post, setCsrfToken } from '../api/client.ts';
import { Field } from '../ui/Field.tsx';
import { ErrorNotice } from '../ui/states.tsx';
import { useSubmit } from './useForm.ts';

/** Changing the password ends every other session; this one gets a fresh cookie and CSRF token. */
export function PasswordSettings({ firstTime = false }: { firstTime?: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const s = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void s.run(async () => {
      const me = await post<{ csrfToken?: string }>('/auth/password', { currentPassword: current, newPassword: next });
      if (me?.csrfToken) setCsrfToken(me.csrfToken);
      await qc.invalidateQueries({ queryKey: ['me'] });
      setCurrent('');
      setNext('');
    });
  };
  return (
    <form onSubmit={submit} className="card max-w-md space-y-4 p-6" noValidate>
      <h2 className="text-base font-semibold">{firstTime ? t('settings.chooseFirstPassword') : t('settings.password')}</h2>
      {firstTime && <p className="text-sm text-slate-600">{t('settings.chooseFirstPasswordHint')}</p>}
      <Field label={t('settings.currentPassword')} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={s.fieldError('currentPassword')} />
      <Field label={t('settings.newPassword')} type="password" autoComplete="new-password" hint={t('settings.newPasswordHint')} value={next} onChange={(e) => setNext(e.target.value)} error={s.fieldError('newPassword')} />
      {s.error && !s.fieldError('currentPassword') && !s.fieldError('newPassword') && <ErrorNotice error={s.error} />}
      {s.done && <p role="status" className="text-sm text-emerald-700">{t('settings.passwordChanged')}</p>}
      <button className="btn-primary" disabled={s.busy}>
        {t('settings.changePassword')}
      </button>
    </form>
  );
}
