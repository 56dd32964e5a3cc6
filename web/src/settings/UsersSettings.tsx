import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, patch, post } from '../api/client.ts';
import { Field, SelectField } from '../ui/Field.tsx';
import { ErrorNotice, Spinner } from '../ui/states.tsx';
import { useSubmit } from './useForm.ts';

const ROLES = ['admin', 'marketer', 'agent', 'analyst'] as const;
interface User {
  id: string;
  email: string;
  name: string;
  role: (typeof ROLES)[number];
  disabled: boolean;
  mustChangePassword: boolean;
}

export function UsersSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => get<{ items: User[] }>('/users') });
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<User['role']>('agent');
  const [invited, setInvited] = useState<{ email: string; password: string } | null>(null);
  const invite = useSubmit();
  const change = useSubmit();
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void invite.run(async () => {
      const out = await post<{ user: User; temporaryPassword: string }>('/users', { email, name, role });
      setInvited({ email: out.user.email, password: out.temporaryPassword });
      setEmail('');
      setName('');
      await qc.invalidateQueries({ queryKey: ['users'] });
    });
  };
  const update = (id: string, body: Partial<{ role: string; disabled: boolean }>) =>
    change.run(async () => {
      await patch(`/users/${id}`, body);
      await qc.invalidateQueries({ queryKey: ['users'] });
    });

  return (
    <div className="space-y-6">
      <section className="card overflow-x-auto p-4">
        <h2 className="mb-2 text-base font-semibold">{t('settings.users')}</h2>
        {users.isLoading ? (
          <Spinner />
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('settings.userName')}</th>
                <th scope="col">{t('auth.email')}</th>
                <th scope="col">{t('settings.role')}</th>
                <th scope="col">{t('settings.status')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data?.items.map((u) => (
                <tr key={u.id}>
                  <td>{u.name || '—'}</td>
                  <td dir="ltr" className="text-start">{u.email}</td>
                  <td>
                    <select aria-label={t('settings.roleOf', { email: u.email })} className="input py-1" value={u.role} onChange={(e) => void update(u.id, { role: e.target.value })}>
                      {roleOptions.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <button className="btn-ghost text-xs" onClick={() => void update(u.id, { disabled: !u.disabled })}>
                      {u.disabled ? t('settings.enable') : t('settings.disable')}
                    </button>
                    {u.mustChangePassword && <span className="badge ms-2">{t('settings.invited')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {change.error && <ErrorNotice error={change.error} />}
      </section>

      <form onSubmit={submit} className="card max-w-xl space-y-4 p-6" noValidate>
        <h2 className="text-base font-semibold">{t('settings.invite')}</h2>
        <Field label={t('auth.email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={invite.fieldError('email')} />
        <Field label={t('settings.userName')} value={name} onChange={(e) => setName(e.target.value)} error={invite.fieldError('name')} />
        <SelectField label={t('settings.role')} options={roleOptions} value={role} onChange={(e) => setRole(e.target.value as User['role'])} />
        {invite.error && !invite.fieldError('email') && <ErrorNotice error={invite.error} />}
        {invited && (
          <div role="status" className="rounded-md bg-amber-50 p-3 text-sm ring-1 ring-amber-200">
            {t('settings.invitedOnce', { email: invited.email })}
            <code className="mt-1 block select-all font-mono" dir="ltr">
              {invited.password}
            </code>
          </div>
        )}
        <button className="btn-primary" disabled={invite.busy}>
          {t('settings.sendInvite')}
        </button>
      </form>
    </div>
  );
}
