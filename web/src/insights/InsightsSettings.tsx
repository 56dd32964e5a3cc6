import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, get } from '../api/client.ts';
import { Field } from '../ui/Field.tsx';
import { ErrorNotice, Spinner } from '../ui/states.tsx';
import { parseFactor, parsePercent } from './logic.ts';
import type { InsightSettings as Settings } from './types.ts';

/** Admins set when a customer counts as slowing; saving recomputes the flags in the background. */
export function InsightsSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ['insights', 'settings'], queryFn: ({ signal }) => get<Settings>('/insights/settings', signal) });
  const [factor, setFactor] = useState<string | null>(null);
  const [ratio, setRatio] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [ratioError, setRatioError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (settings.data && factor === null) {
      setFactor(String(settings.data.slowingGapFactor));
      setRatio(String(Math.round(settings.data.slowingValueRatio * 100)));
    }
  }, [settings.data, factor]);
  if (settings.isLoading || factor === null || ratio === null) return settings.isError ? <ErrorNotice error={settings.error} /> : <Spinner />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setError(null);
    const f = parseFactor(factor);
    const r = parsePercent(ratio);
    setLocalError(f === null ? t('insights.settings.factorInvalid') : null);
    setRatioError(r === null ? t('insights.settings.ratioInvalid') : null);
    if (f === null || r === null) return;
    setBusy(true);
    try {
      await api('PUT', '/insights/settings', { slowingGapFactor: f, slowingValueRatio: r / 100 });
      await qc.invalidateQueries({ queryKey: ['insights'] });
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (p: string) => (error instanceof ApiError ? error.fieldError(p) : undefined);
  return (
    <form onSubmit={submit} className="card max-w-xl space-y-4 p-6" noValidate>
      <h2 className="text-base font-semibold">{t('insights.settings.title')}</h2>
      <Field label={t('insights.settings.factor')} hint={t('insights.settings.factorHint')} value={factor} inputMode="decimal" onChange={(e) => setFactor(e.target.value)} error={localError ?? fieldError('slowingGapFactor')} />
      <Field label={t('insights.settings.ratio')} hint={t('insights.settings.ratioHint')} value={ratio} type="number" min={1} max={99} onChange={(e) => setRatio(e.target.value)} error={ratioError ?? fieldError('slowingValueRatio')} />
      {error != null && !fieldError('slowingGapFactor') && !fieldError('slowingValueRatio') && <ErrorNotice error={error} />}
      {saved && <p role="status" className="text-sm text-emerald-700">{t('insights.settings.saved')}</p>}
      <button className="btn-primary" disabled={busy}>
        {t('common.save')}
      </button>
    </form>
  );
}
