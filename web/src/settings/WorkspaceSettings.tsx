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
  paymentTermsDays: number;
}

/** The fields the form edits, as typed (the payment terms are checked before they become a number). */
type Draft = Omit<Workspace, 'paymentTermsDays'> & { paymentTermsDays: string };
const FIELDS = ['name', 'defaultCountry', 'timeZone', 'currency', 'paymentTermsDays'] as const;

/** A whole number of days from 0 to 365 (the server's bounds), typed in any digits a keyboard gives: "30", "۳۰", "٣٠". */
export function parseTermsDays(input: string): number | null {
  const ascii = input.trim().replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) & 0xf));
  if (!/^\d{1,3}$/.test(ascii)) return null;
  const n = Number(ascii);
  return n <= 365 ? n : null;
}

export function WorkspaceSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const ws = useQuery({ queryKey: ['workspace'], queryFn: () => get<Workspace>('/workspace') });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [termsError, setTermsError] = useState<string | null>(null);
  const s = useSubmit();
  useEffect(() => {
    if (ws.data && !draft) setDraft({ ...ws.data, paymentTermsDays: String(ws.data.paymentTermsDays ?? 14) });
  }, [ws.data, draft]);
  if (!draft) return <Spinner />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const terms = parseTermsDays(draft.paymentTermsDays);
    setTermsError(terms === null ? t('settings.paymentTermsInvalid') : null);
    if (terms === null) return;
    // Only what the form edits: the workspace as read also has its id and creation time, which the API refuses.
    void s.run(async () => {
      await patch('/workspace', { name: draft.name, defaultCountry: draft.defaultCountry, timeZone: draft.timeZone, currency: draft.currency, paymentTermsDays: terms });
      await qc.invalidateQueries({ queryKey: ['workspace'] });
      // Due dates, overdue days and on-time shares follow the terms (recomputed in the background).
      await qc.invalidateQueries({ queryKey: ['c360'] });
    });
  };
  const set = (k: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [k]: e.target.value });
  const shownBesideField = FIELDS.some((f) => s.fieldError(f));
  return (
    <form onSubmit={submit} className="card max-w-xl space-y-4 p-6" noValidate>
      <h2 className="text-base font-semibold">{t('settings.workspace')}</h2>
      <Field label={t('settings.workspaceName')} value={draft.name} onChange={set('name')} error={s.fieldError('name')} />
      <Field label={t('settings.defaultCountry')} hint={t('settings.defaultCountryHint')} value={draft.defaultCountry} maxLength={2} onChange={set('defaultCountry')} error={s.fieldError('defaultCountry')} />
      <Field label={t('settings.timeZone')} value={draft.timeZone} onChange={set('timeZone')} error={s.fieldError('timeZone')} />
      <Field label={t('settings.currency')} value={draft.currency} maxLength={3} onChange={set('currency')} error={s.fieldError('currency')} />
      <Field
        label={t('settings.paymentTerms')}
        hint={t('settings.paymentTermsHint')}
        value={draft.paymentTermsDays}
        inputMode="numeric"
        onChange={set('paymentTermsDays')}
        error={termsError ?? s.fieldError('paymentTermsDays')}
      />
      {s.error && !shownBesideField && <ErrorNotice error={s.error} />}
      {s.done && !termsError && <p role="status" className="text-sm text-emerald-700">{t('settings.saved')}</p>}
      <button className="btn-primary" disabled={s.busy}>
        {t('common.save')}
      </button>
    </form>
  );
}
