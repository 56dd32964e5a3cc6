import { NavLink, Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { EventSourcesPage } from './EventSourcesPage.tsx';
import { EventStreamPage } from './EventStreamPage.tsx';
import { PageNotFound } from '../ui/states.tsx';

function SubNav() {
  const { t } = useTranslation();
  const cls = ({ isActive }: { isActive: boolean }) =>
    `rounded-md px-3 py-1.5 text-sm font-medium ${isActive ? 'bg-indigo-50 text-indigo-700' : 'text-slate-600 hover:bg-slate-100'}`;
  return (
    <nav aria-label={t('events.nav')} className="mb-4 flex gap-2">
      <NavLink end to="/events" className={cls}>
        {t('events.stream')}
      </NavLink>
      <NavLink to="/events/sources" className={cls}>
        {t('events.sources.title')}
      </NavLink>
    </nav>
  );
}

export default function EventsRoutes() {
  const { t } = useTranslation();
  return (
    <>
      <SubNav />
      <Routes>
        <Route index element={<EventStreamPage />} />
        <Route path="sources" element={<EventSourcesPage />} />
        <Route path="*" element={<PageNotFound back="/events" section={t('nav.events')} />} />
      </Routes>
    </>
  );
}
