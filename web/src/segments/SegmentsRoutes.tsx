import { lazy } from 'react';
import { Route, Routes } from 'react-router-dom';
import SegmentsListPage from './SegmentsListPage.tsx';
import SegmentDetailPage from './SegmentDetailPage.tsx';

// The builder carries the catalog and the editors; it loads only when someone builds.
const SegmentBuilderPage = lazy(() => import('./SegmentBuilderPage.tsx'));

export default function SegmentsRoutes() {
  return (
    <Routes>
      <Route index element={<SegmentsListPage />} />
      <Route path="new" element={<SegmentBuilderPage />} />
      <Route path=":id" element={<SegmentDetailPage />} />
      <Route path=":id/edit" element={<SegmentBuilderPage />} />
    </Routes>
  );
}
