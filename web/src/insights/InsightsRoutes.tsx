import { Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';

function Placeholder() {
  const { t } = useTranslation();
  return <h1 className="text-xl font-semibold">{t('insights.title')}</h1>;
}

export default function InsightsRoutes() {
  return (
    <Routes>
      <Route index element={<Placeholder />} />
    </Routes>
  );
}
