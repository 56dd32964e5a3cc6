import { NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useIsAdmin } from '../auth/session.tsx';
import { AdminOnly, PageHeader, PageNotFound } from '../ui/states.tsx';
import { ClustersView } from './ClustersView.tsx';
import { RfmView } from './RfmView.tsx';
import { SlowingView } from './SlowingView.tsx';
import { ValuableView } from './ValuableView.tsx';
import { ReceivablesView } from './ReceivablesView.tsx';
import { InsightsSettings } from './InsightsSettings.tsx';

const TABS = [
  { to: 'groups', key: 'insights.tab.groups' },
  { to: 'rfm', key: 'insights.tab.rfm' },
  { to: 'slowing', key: 'insights.tab.slowing' },
  { to: 'valuable', key: 'insights.tab.valuable' },
  { to: 'receivables', key: 'insights.tab.receivables' },
] as const;

export default function InsightsRoutes() {
  const { t } = useTranslation();
  const admin = useIsAdmin();
  const tabs = admin ? [...TABS, { to: 'settings', key: 'insights.tab.settings' } as const] : TABS;
  return (
    <>
      <PageHeader title={t('insights.title')} />
      <nav aria-label={t('insights.tabsLabel')} className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
        {tabs.map((tab) => (
          <NavLink
            key={tab.to}
            // Absolute: relative to this splat route a tab would name /insights/rfm/groups from the
            // RFM tab (a "page not found"), and no tab would ever show as the current one.
            to={`/insights/${tab.to}`}
            className={({ isActive }) => `-mb-px border-b-2 px-3 py-2 text-sm font-medium ${isActive ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-600 hover:text-slate-900'}`}
          >
            {t(tab.key)}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<Navigate to="groups" replace />} />
        <Route path="groups" element={<ClustersView />} />
        <Route path="rfm" element={<RfmView />} />
        <Route path="slowing" element={<SlowingView />} />
        <Route path="valuable" element={<ValuableView />} />
        <Route path="receivables" element={<ReceivablesView />} />
        <Route path="settings" element={admin ? <InsightsSettings /> : <AdminOnly />} />
        {/* Not a redirect to "groups": relative to this splat it would name /insights/x/groups, match
            the splat again, and loop until the tab crashed. */}
        <Route path="*" element={<PageNotFound back="/insights" section={t('insights.title')} />} />
      </Routes>
    </>
  );
}
