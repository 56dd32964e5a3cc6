import { Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { PageNotFound } from '../ui/states.tsx';
import { StorePage } from './StorePage.tsx';
import { StoresPage } from './StoresPage.tsx';

export default function PresenceRoutes() {
  const { t } = useTranslation();
  return (
    <Routes>
      <Route index element={<StoresPage />} />
      <Route path=":id" element={<StorePage />} />
      <Route path="*" element={<PageNotFound back="/stores" section={t('nav.stores')} />} />
    </Routes>
  );
}
