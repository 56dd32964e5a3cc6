import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { CopyButton } from '../events/CopyButton.tsx';
import { Field } from '../ui/Field.tsx';
import { ErrorNotice } from '../ui/states.tsx';
import { sensorEndpoints } from './hours.ts';
import type { Sensor } from './types.ts';

/** Registers a sensor at a store; its token is shown once, with where the sensor should send. */
export function NewSensor({ storeId }: { storeId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const workspaceId = useSession().workspace.id;
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<(Sensor & { token: string }) | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setNameError(undefined);
    setError(null);
    if (!name.trim()) return setNameError(t('presence.sensor.nameRequired'));
    setBusy(true);
    try {
      const out = await post<Sensor & { token: string }>('/sensors', { storeId, name: name.trim() });
      setCreated(out);
      setName('');
      await qc.invalidateQueries({ queryKey: ['sensors'] });
    } catch (err) {
      if (err instanceof ApiError && err.fieldError('name')) setNameError(err.fieldError('name'));
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  const ends = created ? sensorEndpoints(window.location.origin, workspaceId, created.id) : null;
  const example = created && ends ? `curl '${ends.url}' -H 'authorization: Bearer ${created.token}' -H 'content-type: application/json' -d '{"sightings":[{"mac":"AA:BB:CC:11:22:33","rssi":-60}]}'` : '';
  return (
    <div className="space-y-4">
      {created && ends && (
        <section className="card space-y-3 p-5" aria-labelledby="new-sensor-title">
          <h3 id="new-sensor-title" className="text-base font-semibold">
            {t('presence.sensor.createdTitle', { name: created.name })}
          </h3>
          <p role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
            {t('presence.sensor.shownOnce')}
          </p>
          <dl className="space-y-2 text-sm">
            {[
              { label: t('presence.sensor.token'), value: created.token, testId: 'new-sensor-token' },
              { label: t('presence.sensor.mqttTopic'), value: ends.topic, testId: 'sensor-topic' },
              { label: t('presence.sensor.httpUrl'), value: ends.url, testId: 'sensor-url' },
            ].map((row) => (
              <div key={row.testId}>
                <dt className="font-medium text-slate-700">{row.label}</dt>
                <dd className="mt-0.5 flex flex-wrap items-center gap-2">
                  <code dir="ltr" className="select-all break-all rounded bg-slate-100 px-2 py-1 font-mono text-xs" data-testid={row.testId}>
                    {row.value}
                  </code>
                  <CopyButton text={row.value} label={t('presence.copy')} />
                </dd>
              </div>
            ))}
          </dl>
          <p className="text-sm text-slate-600">{t('presence.sensor.payloadHelp')}</p>
          <pre dir="ltr" className="overflow-auto rounded-md bg-slate-900 p-3 text-start font-mono text-xs text-slate-100">
            {example}
          </pre>
          <button type="button" className="btn-secondary" onClick={() => setCreated(null)}>
            {t('presence.sensor.done')}
          </button>
        </section>
      )}
      <form onSubmit={submit} className="card max-w-xl space-y-4 p-5" noValidate>
        <h3 className="text-base font-semibold">{t('presence.sensor.new')}</h3>
        <Field label={t('presence.sensor.name')} value={name} maxLength={200} placeholder={t('presence.sensor.namePlaceholder')} onChange={(e) => setName(e.target.value)} error={nameError} />
        {error ? <ErrorNotice error={error} /> : null}
        <button className="btn-primary" disabled={busy}>
          {busy ? t('common.working') : t('presence.sensor.register')}
        </button>
      </form>
    </div>
  );
}
