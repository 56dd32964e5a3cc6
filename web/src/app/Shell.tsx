import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
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
  // On a narrow screen the navigation and account controls fold behind a menu button; moving
  // to another page folds them again.
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => setMenuOpen(false), [pathname]);
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:start-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        {t('nav.skip')}
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-3 px-4 py-3">
          <span className="text-lg font-bold text-indigo-600">Rapport</span>
          <button
            type="button"
            className="btn-ghost ms-auto lg:hidden"
            aria-expanded={menuOpen}
            aria-controls="main-menu"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <svg aria-hidden viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
              {menuOpen ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 5h14M3 10h14M3 15h14" />}
            </svg>
            {t('nav.menu')}
          </button>
          <div
            id="main-menu"
            className={`${menuOpen ? 'flex' : 'hidden'} w-full flex-col gap-3 lg:flex lg:w-auto lg:min-w-0 lg:flex-1 lg:flex-row lg:flex-wrap lg:items-center lg:gap-6`}
          >
            <nav aria-label={t('nav.main')} className="flex flex-col gap-1 lg:flex-row lg:flex-wrap">
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
            <div className="flex min-w-0 flex-wrap items-center gap-3 border-t border-slate-200 pt-3 text-sm lg:ms-auto lg:border-0 lg:pt-0">
              <label className="sr-only" htmlFor="lang">
                {t('nav.language')}
              </label>
              <select id="lang" className="input w-auto py-1" value={i18n.language} onChange={(e) => void setLanguage(e.target.value)}>
                {LANGUAGES.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.name}
                  </option>
                ))}
              </select>
              <span className="min-w-0 max-w-full truncate text-slate-600" title={`${me.user.email} (${me.user.role})`}>
                {me.user.email}
              </span>
              <button type="button" className="btn-ghost" onClick={() => void signOut()}>
                {t('auth.signOut')}
              </button>
            </div>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-8">
        <Outlet />
      </main>
    </div>
  );
}
