import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { del, get, post } from '../api/client.ts';
import { formatDateTime } from '../i18n/format.ts';
import { Field, SelectField } from '../ui/Field.tsx';
import { ErrorNotice, Spinner } from '../ui/states.tsx';
import { useSubmit } from './useForm.ts';

interface ApiKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function ApiKeysSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => get<{ items: ApiKey[] }>('/api-keys') });
  const [name, setName] = useState('');
  const [role, setRole] = useState('marketer');
  const [shown, setShown] = useState<string | null>(null);
  const create = useSubmit();
  const revoke = useSubmit();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run(async () => {
      const out = await post<{ key: string }>('/api-keys', { name, role });
      setShown(out.key);
      setName('');
      await qc.invalidateQueries({ queryKey: ['api-keys'] });
    });
  };

  return (
    <div className="space-y-6">
      <section className="card overflow-x-auto p-4">
        <h2 className="mb-2 text-base font-semibold">{t('settings.apiKeys')}</h2>
        {keys.isLoading ? (
          <Spinner />
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('settings.keyName')}</th>
                <th scope="col">{t('settings.role')}</th>
                <th scope="col">{t('settings.keyPrefix')}</th>
                <th scope="col">{t('settings.lastUsed')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {keys.data?.items.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'text-slate-400' : ''}>
                  <td>{k.name}</td>
                  <td>{t(`role.${k.role}`)}</td>
                  <td dir="ltr" className="font-mono text-start">{k.prefix}…</td>
                  <td>{formatDateTime(k.lastUsedAt)}</td>
                  <td>
                    {k.revokedAt ? (
                      t('settings.revoked')
                    ) : (
                      <button
                        className="btn-ghost text-xs text-rose-700"
                        onClick={() =>
                          void revoke.run(async () => {
                            await del(`/api-keys/${k.id}`);
                            await qc.invalidateQueries({ queryKey: ['api-keys'] });
                          })
                        }
                      >
                        {t('settings.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {revoke.error && <ErrorNotice error={revoke.error} />}
      </section>
      <form onSubmit={submit} className="card max-w-xl space-y-4 p-6" noValidate>
        <h2 className="text-base font-semibold">{t('settings.newKey')}</h2>
        <Field label={t('settings.keyName')} value={name} onChange={(e) => setName(e.target.value)} error={create.fieldError('name')} />
        <SelectField
          label={t('settings.role')}
          value={role}
          onChange={(e) => setRole(e.target.value)}
          options={['admin', 'marketer', 'agent', 'analyst'].map((r) => ({ value: r, label: t(`role.${r}`) }))}
        />
        {create.error && !create.fieldError('name') && <ErrorNotice error={create.error} />}
        {shown && (
          <div role="status" className="rounded-md bg-amber-50 p-3 text-sm ring-1 ring-amber-200">
            {t('settings.keyShownOnce')}
            <code className="mt-1 block select-all break-all font-mono" dir="ltr" data-testid="new-api-key">
              {shown}
            </code>
          </div>
        )}
        <button className="btn-primary" disabled={create.busy}>
          {t('settings.createKey')}
        </button>
      </form>
    </div>
  );
}
