import { NavLink, Outlet } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useCanWriteCustomers, useSession, useSignOut } from '../auth/session.tsx';
import { LANGUAGES, setLanguage } from '../i18n/index.ts';

const NAV = [
  { to: '/customers', key: 'nav.customers' },
  { to: '/segments', key: 'nav.segments' },
  { to: '/insights', key: 'nav.insights' },
  { to: '/events', key: 'nav.events' },
  { to: '/stores', key: 'nav.stores' },
  { to: '/imports', key: 'nav.import', writers: true },
  { to: '/settings', key: 'nav.settings' },
];

export function Shell() {
  const { t, i18n } = useTranslation();
  const me = useSession();
  const signOut = useSignOut();
  const canWrite = useCanWriteCustomers();
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:start-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        {t('nav.skip')}
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
          <span className="text-lg font-bold text-indigo-600">Rapport</span>
          <nav aria-label={t('nav.main')} className="flex gap-1">
            {NAV.filter((n) => canWrite || !n.writers).map((n) => (
              <NavLink
                key={n.to}
                to={n.to}
                className={({ isActive }) => `rounded-md px-3 py-1.5 text-sm font-medium ${isActive ? 'bg-indigo-50 text-indigo-700' : 'text-slate-600 hover:bg-slate-100'}`}
              >
                {t(n.key)}
              </NavLink>
            ))}
          </nav>
          <div className="ms-auto flex items-center gap-3 text-sm">
            <label className="sr-only" htmlFor="lang">
              {t('nav.language')}
            </label>
            <select id="lang" className="input w-auto py-1" value={i18n.language} onChange={(e) => setLanguage(e.target.value)}>
              {LANGUAGES.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
            <span className="text-slate-600" title={me.user.role}>
              {me.user.email}
            </span>
            <button className="btn-ghost" onClick={() => void signOut()}>
              {t('auth.signOut')}
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-8">
        <Outlet />
      </main>
    </div>
  );
}
