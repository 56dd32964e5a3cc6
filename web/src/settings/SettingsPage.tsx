import { NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useIsAdmin } from '../auth/session.tsx';
import { AdminOnly, PageHeader, PageNotFound } from '../ui/states.tsx';
import { ApiKeysSettings } from './ApiKeysSettings.tsx';
import { AttributesSettings } from './AttributesSettings.tsx';
import { PasswordSettings } from './PasswordSettings.tsx';
import { UsersSettings } from './UsersSettings.tsx';
import { WorkspaceSettings } from './WorkspaceSettings.tsx';

export default function SettingsPage() {
  const { t } = useTranslation();
  const admin = useIsAdmin();
  const tabs = [
    ...(admin ? [{ to: 'workspace', label: t('settings.workspace') }, { to: 'users', label: t('settings.users') }, { to: 'api-keys', label: t('settings.apiKeys') }] : []),
    { to: 'attributes', label: t('settings.attributes') },
    { to: 'password', label: t('settings.password') },
  ];
  return (
    <>
      <PageHeader title={t('nav.settings')} />
      <div className="flex flex-col gap-6 md:flex-row">
        <nav aria-label={t('nav.settings')} className="flex shrink-0 flex-row gap-1 md:w-48 md:flex-col">
          {tabs.map((x) => (
            // Absolute: under the /settings/* splat a relative link resolves against the current tab
            // (/settings/workspace/users), which matches no tab and shows an empty page.
            <NavLink key={x.to} to={`/settings/${x.to}`} className={({ isActive }) => `rounded-md px-3 py-2 text-sm ${isActive ? 'bg-indigo-50 font-medium text-indigo-700' : 'text-slate-700 hover:bg-slate-100'}`}>
              {x.label}
            </NavLink>
          ))}
        </nav>
        <div className="min-w-0 flex-1">
          <Routes>
            <Route index element={<Navigate to={admin ? 'workspace' : 'attributes'} replace />} />
            <Route path="workspace" element={admin ? <WorkspaceSettings /> : <AdminOnly />} />
            <Route path="users" element={admin ? <UsersSettings /> : <AdminOnly />} />
            <Route path="api-keys" element={admin ? <ApiKeysSettings /> : <AdminOnly />} />
            <Route path="attributes" element={<AttributesSettings />} />
            <Route path="password" element={<PasswordSettings />} />
            <Route path="*" element={<PageNotFound back="/settings" section={t('nav.settings')} />} />
          </Routes>
        </div>
      </div>
    </>
  );
}
