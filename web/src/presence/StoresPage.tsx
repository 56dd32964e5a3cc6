import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../api/client.ts';
import { useIsAdmin } from '../auth/session.tsx';
import { formatNumber } from '../i18n/format.ts';
import { Field } from '../ui/Field.tsx';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../ui/states.tsx';
import type { Sensor, Store } from './types.ts';

/** The workspace's stores with their sensor counts, and a form to add one (admins). */
export function StoresPage() {
  const { t } = useTranslation();
  const admin = useIsAdmin();
  const stores = useQuery({ queryKey: ['stores'], queryFn: ({ signal }) => get<{ items: Store[] }>('/stores', signal) });
  const sensors = useQuery({ queryKey: ['sensors'], queryFn: ({ signal }) => get<{ items: Sensor[] }>('/sensors', signal) });
  const live = (storeId: string) => sensors.data?.items.filter((s) => s.storeId === storeId && !s.revokedAt).length ?? 0;

  return (
    <div className="space-y-6">
      <PageHeader title={t('presence.title')} />
      <p className="max-w-2xl text-sm text-slate-600">{t('presence.intro')}</p>
      {stores.isLoading ? (
        <Spinner />
      ) : stores.isError ? (
        <ErrorNotice error={stores.error} />
      ) : !stores.data?.items.length ? (
        <EmptyState title={t('presence.empty.title')}>{admin ? t('presence.empty.admin') : t('presence.empty.reader')}</EmptyState>
      ) : (
        <section className="card overflow-x-auto p-4">
          <table className="table" aria-label={t('presence.stores')}>
            <thead>
              <tr>
                <th scope="col">{t('presence.store.name')}</th>
                <th scope="col">{t('presence.store.address')}</th>
                <th scope="col">{t('presence.store.sensors')}</th>
              </tr>
            </thead>
            <tbody>
              {stores.data.items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link className="font-medium text-indigo-700 hover:underline" to={`/stores/${s.id}`}>
                      {s.name}
                    </Link>
                  </td>
                  <td>{s.address ?? '—'}</td>
                  <td className="tabular-nums">{sensors.data ? formatNumber(live(s.id)) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {admin && <NewStore />}
    </div>
  );
}

function NewStore() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [errors, setErrors] = useState<{ name?: string; address?: string; other?: unknown }>({});
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setErrors({ name: t('presence.store.nameRequired') });
    setBusy(true);
    setErrors({});
    try {
      await post('/stores', { name: name.trim(), address: address.trim() || null });
      setName('');
      setAddress('');
      await qc.invalidateQueries({ queryKey: ['stores'] });
    } catch (err) {
      if (err instanceof ApiError && err.body.fields) setErrors({ name: err.fieldError('name'), address: err.fieldError('address'), other: err.fieldError('name') || err.fieldError('address') ? undefined : err });
      else setErrors({ other: err });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="card max-w-xl space-y-4 p-5" noValidate>
      <h2 className="text-base font-semibold">{t('presence.store.new')}</h2>
      <Field label={t('presence.store.name')} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} error={errors.name} />
      <Field label={t('presence.store.address')} value={address} maxLength={500} onChange={(e) => setAddress(e.target.value)} error={errors.address} />
      {errors.other ? <ErrorNotice error={errors.other} /> : null}
      <button className="btn-primary" disabled={busy}>
        {busy ? t('common.working') : t('presence.store.create')}
      </button>
    </form>
  );
}
