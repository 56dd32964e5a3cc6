import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, del, patch } from '../api/client.ts';
import { formatDateTime } from '../i18n/format.ts';
import { Field, SelectField } from '../ui/Field.tsx';
import { ErrorNotice } from '../ui/states.tsx';
import { SightingsChart } from './SightingsChart.tsx';
import type { Sensor, Store } from './types.ts';

/** A live sensor: when it last reported, its hourly sightings, and (admins) rename, move, retire. */
export function SensorCard({ sensor, stores, admin }: { sensor: Sensor; stores: Store[]; admin: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(sensor.name);
  const [storeId, setStoreId] = useState(sensor.storeId);
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['sensors'] });

  async function save(e: FormEvent) {
    e.preventDefault();
    setNameError(undefined);
    setError(null);
    if (!name.trim()) return setNameError(t('presence.sensor.nameRequired'));
    try {
      await patch(`/sensors/${sensor.id}`, { name: name.trim(), ...(storeId !== sensor.storeId ? { storeId } : {}) });
      setEditing(false);
      await refresh();
    } catch (err) {
      if (err instanceof ApiError && err.fieldError('name')) setNameError(err.fieldError('name'));
      else setError(err);
    }
  }

  async function retire() {
    if (!window.confirm(t('presence.sensor.confirmRetire', { name: sensor.name }))) return;
    try {
      await del(`/sensors/${sensor.id}`);
      await refresh();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <article className="card space-y-3 p-4" aria-labelledby={`sensor-${sensor.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 id={`sensor-${sensor.id}`} className="font-semibold">
            {sensor.name}
          </h3>
          <p className="text-xs text-slate-500">
            <span dir="ltr" className="font-mono">
              {sensor.tokenPrefix}…
            </span>{' '}
            · {sensor.lastSeenAt ? t('presence.sensor.lastSeen', { when: formatDateTime(sensor.lastSeenAt) }) : t('presence.sensor.neverSeen')}
          </p>
        </div>
        {admin && !editing && (
          <div className="flex gap-2">
            <button type="button" className="btn-secondary py-1 text-xs" onClick={() => setEditing(true)} aria-label={t('presence.sensor.editNamed', { name: sensor.name })}>
              {t('presence.sensor.edit')}
            </button>
            <button type="button" className="btn-ghost py-1 text-xs text-rose-700" onClick={() => void retire()} aria-label={t('presence.sensor.retireNamed', { name: sensor.name })}>
              {t('presence.sensor.retire')}
            </button>
          </div>
        )}
      </div>
      {editing && (
        <form onSubmit={save} className="grid gap-3 rounded-md bg-slate-50 p-3 sm:grid-cols-2" noValidate>
          <Field label={t('presence.sensor.name')} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} error={nameError} />
          <SelectField label={t('presence.sensor.store')} value={storeId} onChange={(e) => setStoreId(e.target.value)} options={stores.map((s) => ({ value: s.id, label: s.name }))} />
          <div className="flex gap-2 sm:col-span-2">
            <button className="btn-primary py-1">{t('common.save')}</button>
            <button type="button" className="btn-ghost py-1" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {error ? <ErrorNotice error={error} /> : null}
      <SightingsChart sensorId={sensor.id} sensorName={sensor.name} />
    </article>
  );
}
