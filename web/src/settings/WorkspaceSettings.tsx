import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, patch } from '../api/client.ts';
import { Field } from '../ui/Field.tsx';
import { ErrorNotice, Spinner } from '../ui/states.tsx';
import { useSubmit } from './useForm.ts';

interface Workspace {
  name: string;
  defaultCountry: string;
  timeZone: string;
  currency: string;
  locale: string;
}

export function WorkspaceSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const ws = useQuery({ queryKey: ['workspace'], queryFn: () => get<Workspace>('/workspace') });
  const [draft, setDraft] = useState<Workspace | null>(null);
  const s = useSubmit();
  useEffect(() => {
    if (ws.data && !draft) setDraft(ws.data);
  }, [ws.data, draft]);
  if (!draft) return <Spinner />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void s.run(async () => {
      await patch('/workspace', draft);
      await qc.invalidateQueries({ queryKey: ['workspace'] });
    });
  };
  const set = (k: keyof Workspace) => (e: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [k]: e.target.value });
  return (
    <form onSubmit={submit} className="card max-w-xl space-y-4 p-6" noValidate>
      <h2 className="text-base font-semibold">{t('settings.workspace')}</h2>
      <Field label={t('settings.workspaceName')} value={draft.name} onChange={set('name')} error={s.fieldError('name')} />
      <Field label={t('settings.defaultCountry')} hint={t('settings.defaultCountryHint')} value={draft.defaultCountry} maxLength={2} onChange={set('defaultCountry')} error={s.fieldError('defaultCountry')} />
      <Field label={t('settings.timeZone')} value={draft.timeZone} onChange={set('timeZone')} error={s.fieldError('timeZone')} />
      <Field label={t('settings.currency')} value={draft.currency} maxLength={3} onChange={set('currency')} error={s.fieldError('currency')} />
      {s.error && !s.fieldError('name') && <ErrorNotice error={s.error} />}
      {s.done && <p role="status" className="text-sm text-emerald-700">{t('settings.saved')}</p>}
      <button className="btn-primary" disabled={s.busy}>
        {t('common.save')}
      </button>
    </form>
  );
}
