import { Link } from 'react-router-dom';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client.ts';
import { formatDateTime, formatNumber } from '../i18n/format.ts';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../ui/states.tsx';
import { useCanEditSegments } from '../auth/session.tsx';
import { HealthBadge, useLagText } from './SegmentDetailPage.tsx';
import type { Segment } from './types.ts';

export default function SegmentsListPage() {
  const { t } = useTranslation();
  const canEdit = useCanEditSegments();
  const lagText = useLagText();
  const list = useInfiniteQuery({
    queryKey: ['segments', 'list'],
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => get<{ items: Segment[]; nextCursor: string | null }>(`/segments?limit=100${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Health changes as the scheduler builds: keep the figures current while the page is open.
    refetchInterval: 60_000,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const create = canEdit && (
    <>
      <Link to="/segments/new" className="btn-primary">
        {t('segments.newDynamic')}
      </Link>
      <Link to="/segments/new?kind=static" className="btn-secondary">
        {t('segments.newStatic')}
      </Link>
    </>
  );

  return (
    <>
      <PageHeader title={t('segments.title')} actions={create} />
      {list.isLoading ? (
        <Spinner />
      ) : list.isError ? (
        <ErrorNotice error={list.error} />
      ) : rows.length === 0 ? (
        <EmptyState title={t('segments.emptyTitle')} action={create && <div className="flex gap-2">{create}</div>}>
          {canEdit ? t('segments.emptyBody') : t('segments.emptyBodyReadOnly')}
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table" aria-label={t('segments.title')}>
            <thead>
              <tr>
                <th scope="col">{t('segments.col.name')}</th>
                <th scope="col">{t('segments.col.kind')}</th>
                <th scope="col" className="text-end">{t('segments.col.size')}</th>
                <th scope="col">{t('segments.col.lastBuild')}</th>
                <th scope="col" className="text-end">{t('segments.col.duration')}</th>
                <th scope="col">{t('segments.col.lag')}</th>
                <th scope="col">{t('segments.col.health')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((s) => (
                <tr key={s.id} className="hover:bg-slate-50">
                  <td>
                    <Link to={`/segments/${s.id}`} className="font-medium text-indigo-700 hover:underline">
                      {s.name}
                    </Link>
                    {s.description && <div className="text-xs text-slate-500">{s.description}</div>}
                  </td>
                  <td>{t(`segments.kind.${s.kind}`)}</td>
                  <td className="text-end tabular-nums">{formatNumber(s.health.size)}</td>
                  <td>{s.kind === 'static' ? '—' : formatDateTime(s.health.lastBuiltAt)}</td>
                  <td className="text-end tabular-nums">{s.health.lastBuildMs === null ? '—' : t('segments.detail.ms', { ms: formatNumber(s.health.lastBuildMs) })}</td>
                  <td>{lagText(s.health.lagSeconds)}</td>
                  <td>
                    <HealthBadge segment={s} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage && (
            <div className="p-3 text-center">
              <button type="button" className="btn-ghost" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                {t('segments.detail.loadMore')}
              </button>
            </div>
          )}
        </div>
      )}
    </>
  );
}
