import { Route, Routes } from 'react-router-dom';
import { StorePage } from './StorePage.tsx';
import { StoresPage } from './StoresPage.tsx';

export default function PresenceRoutes() {
  return (
    <Routes>
      <Route index element={<StoresPage />} />
      <Route path=":id" element={<StorePage />} />
    </Routes>
  );
}
