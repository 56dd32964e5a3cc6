import { lazy, type ReactElement } from 'react';

// Each capability's pages, loaded on demand so the first screen stays small. The customer list
// is where everyone lands, so its chunk starts downloading now, alongside the session check.
const customersChunk = import('../customers/CustomersPage.tsx');
const CustomersPage = lazy(() => customersChunk);
const CustomerForm = lazy(() => import('../customers/CustomerForm.tsx'));
const Customer360Page = lazy(() => import('../customers/Customer360Page.tsx'));
const SettingsPage = lazy(() => import('../settings/SettingsPage.tsx'));
const ImportWizard = lazy(() => import('../imports/ImportWizard.tsx'));
const SegmentsRoutes = lazy(() => import('../segments/SegmentsRoutes.tsx'));
const InsightsRoutes = lazy(() => import('../insights/InsightsRoutes.tsx'));
const EventsRoutes = lazy(() => import('../events/EventsRoutes.tsx'));
const PresenceRoutes = lazy(() => import('../presence/PresenceRoutes.tsx'));

export const appRoutes: Array<{ path: string; element: ReactElement }> = [
  { path: '/customers', element: <CustomersPage /> },
  { path: '/customers/new', element: <CustomerForm /> },
  { path: '/customers/:id', element: <Customer360Page /> },
  { path: '/customers/:id/edit', element: <CustomerForm /> },
  { path: '/imports', element: <ImportWizard /> },
  { path: '/settings/*', element: <SettingsPage /> },
  // Each capability routes its own sub-pages (list, detail, builder…) under its prefix.
  { path: '/segments/*', element: <SegmentsRoutes /> },
  { path: '/insights/*', element: <InsightsRoutes /> },
  { path: '/events/*', element: <EventsRoutes /> },
  { path: '/stores/*', element: <PresenceRoutes /> },
];
