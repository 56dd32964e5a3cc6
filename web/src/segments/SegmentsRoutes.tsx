import { lazy } from 'react';
import { Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { PageNotFound } from '../ui/states.tsx';
import SegmentsListPage from './SegmentsListPage.tsx';
import SegmentDetailPage from './SegmentDetailPage.tsx';

// The builder carries the catalog and the editors; it loads only when someone builds.
const SegmentBuilderPage = lazy(() => import('./SegmentBuilderPage.tsx'));

export default function SegmentsRoutes() {
  const { t } = useTranslation();
  return (
    <Routes>
      <Route index element={<SegmentsListPage />} />
      <Route path="new" element={<SegmentBuilderPage />} />
      <Route path=":id" element={<SegmentDetailPage />} />
      <Route path=":id/edit" element={<SegmentBuilderPage />} />
      <Route path="*" element={<PageNotFound back="/segments" section={t('nav.segments')} />} />
    </Routes>
  );
}
