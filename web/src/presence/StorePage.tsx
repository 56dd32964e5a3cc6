import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, del, get, patch } from '../api/client.ts';
import { useIsAdmin } from '../auth/session.tsx';
import { formatDateTime } from '../i18n/format.ts';
import { Field } from '../ui/Field.tsx';
import { ErrorNotice, PageHeader, Spinner } from '../ui/states.tsx';
import { NewSensor } from './NewSensor.tsx';
import { SensorCard } from './SensorCard.tsx';
import type { Sensor, Store } from './types.ts';

/** One store: its details (editable by admins), its sensors and their sightings. */
export function StorePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const admin = useIsAdmin();
  const store = useQuery({ queryKey: ['store', id], queryFn: ({ signal }) => get<Store>(`/stores/${id}`, signal) });
  const sensors = useQuery({ queryKey: ['sensors', id], queryFn: ({ signal }) => get<{ items: Sensor[] }>(`/sensors?storeId=${id}`, signal) });
  const stores = useQuery({ queryKey: ['stores'], queryFn: ({ signal }) => get<{ items: Store[] }>('/stores', signal), enabled: admin });

  if (store.isLoading) return <Spinner />;
  if (store.isError || !store.data) return <ErrorNotice error={store.error} />;
  const s = store.data;
  const list = sensors.data?.items ?? [];
  const active = list.filter((x) => !x.revokedAt);
  const retired = list.filter((x) => x.revokedAt);

  return (
    <div className="space-y-6">
      <Link to="/stores" className="text-sm text-indigo-700 hover:underline">
        {t('presence.back')}
      </Link>
      <PageHeader title={s.name} />
      {s.address && <p className="-mt-4 text-sm text-slate-600">{s.address}</p>}
      <section aria-labelledby="sensors-title" className="space-y-4">
        <h2 id="sensors-title" className="text-lg font-semibold">
          {t('presence.sensor.title')}
        </h2>
        {sensors.isLoading ? (
          <Spinner />
        ) : sensors.isError ? (
          <ErrorNotice error={sensors.error} />
        ) : active.length === 0 ? (
          <p className="text-sm text-slate-500">{admin ? t('presence.sensor.emptyAdmin') : t('presence.sensor.empty')}</p>
        ) : (
          active.map((x) => <SensorCard key={x.id} sensor={x} stores={stores.data?.items ?? []} admin={admin} />)
        )}
        {retired.length > 0 && (
          <details className="card p-4">
            <summary className="cursor-pointer text-sm font-medium">{t('presence.sensor.retiredList', { count: retired.length })}</summary>
            <ul className="mt-2 space-y-1 text-sm text-slate-600">
              {retired.map((x) => (
                <li key={x.id}>
                  {x.name} · {t('presence.sensor.retiredAt', { when: formatDateTime(x.revokedAt) })}
                </li>
              ))}
            </ul>
          </details>
        )}
        {admin && <NewSensor storeId={s.id} />}
      </section>
      {admin && <EditStore store={s} hasSensors={list.length > 0} />}
    </div>
  );
}

function EditStore({ store, hasSensors }: { store: Store; hasSensors: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(store.name);
  const [address, setAddress] = useState(store.address ?? '');
  const [errors, setErrors] = useState<{ name?: string; address?: string; other?: unknown }>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    if (!name.trim()) return setErrors({ name: t('presence.store.nameRequired') });
    setBusy(true);
    setErrors({});
    try {
      await patch(`/stores/${store.id}`, { name: name.trim(), address: address.trim() || null });
      await qc.invalidateQueries({ queryKey: ['store', store.id] });
      await qc.invalidateQueries({ queryKey: ['stores'] });
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError && (err.fieldError('name') || err.fieldError('address'))) setErrors({ name: err.fieldError('name'), address: err.fieldError('address') });
      else setErrors({ other: err });
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!window.confirm(t('presence.store.confirmDelete', { name: store.name }))) return;
    try {
      await del(`/stores/${store.id}`);
      await qc.invalidateQueries({ queryKey: ['stores'] });
      navigate('/stores');
    } catch (err) {
      setErrors({ other: err });
    }
  }

  return (
    <form onSubmit={save} className="card max-w-xl space-y-4 p-5" noValidate>
      <h2 className="text-base font-semibold">{t('presence.store.edit')}</h2>
      <Field label={t('presence.store.name')} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} error={errors.name} />
      <Field label={t('presence.store.address')} value={address} maxLength={500} onChange={(e) => setAddress(e.target.value)} error={errors.address} />
      {errors.other ? <ErrorNotice error={errors.other} /> : null}
      {saved && (
        <p role="status" className="text-sm text-emerald-700">
          {t('presence.saved')}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button className="btn-primary" disabled={busy}>
          {busy ? t('common.working') : t('common.save')}
        </button>
        <button type="button" className="btn-ghost text-rose-700" onClick={() => void remove()} disabled={hasSensors} aria-describedby={hasSensors ? 'delete-store-hint' : undefined}>
          {t('presence.store.delete')}
        </button>
        {hasSensors && (
          <span id="delete-store-hint" className="text-xs text-slate-500">
            {t('presence.store.deleteHint')}
          </span>
        )}
      </div>
    </form>
  );
}
