import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client.ts';
import { formatDateTime, formatNumber } from '../i18n/format.ts';
import type { ImportStatus } from './types.ts';

export function RecentImports() {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ['imports'], queryFn: ({ signal }) => get<{ items: ImportStatus[] }>('/imports?limit=10', signal), refetchInterval: 5000 });
  if (!list.data?.items.length) return null;
  return (
    <section className="card mt-8 overflow-x-auto p-4" aria-labelledby="recent-imports">
      <h2 id="recent-imports" className="mb-2 font-semibold">
        {t('import.recent')}
      </h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('import.file')}</th>
            <th scope="col">{t('import.what')}</th>
            <th scope="col">{t('import.status')}</th>
            <th scope="col">{t('import.created')}</th>
            <th scope="col">{t('import.rejected')}</th>
            <th scope="col">{t('import.when')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data.items.map((i) => (
            <tr key={i.id}>
              <td>{i.fileName ?? '—'}</td>
              <td>{t(`import.kind.${i.kind}`)}</td>
              <td>{t(`import.state.${i.state}`)}</td>
              <td>{formatNumber(i.counts.created)}</td>
              <td>
                {i.counts.rejected > 0 ? (
                  <a className="text-indigo-700 hover:underline" href={`/api/v1/imports/${i.id}/rejections.csv`} download>
                    {formatNumber(i.counts.rejected)}
                  </a>
                ) : (
                  0
                )}
              </td>
              <td>{formatDateTime(i.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
