import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, del, get, post } from '../api/client.ts';
import { currentLocale } from '../i18n/index.ts';
import { formatDate, formatDateTime, formatNumber } from '../i18n/format.ts';
import { EmptyState, ErrorNotice, Spinner } from '../ui/states.tsx';
import { useCanEditSegments } from '../auth/session.tsx';
import { awaitingBuild, detailRefetchMs, healthState, lagParts } from './health.ts';
import { HistoryChart } from './HistoryChart.tsx';
import { StaticListTools } from './StaticListTools.tsx';
import type { BuildResult, DailyHistory, Member, Segment } from './types.ts';
import { CustomerLink } from '../customers/CustomerLink.tsx';

export function HealthBadge({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const state = healthState(segment);
  const cls = { static: 'bg-slate-100 text-slate-700', never_built: 'bg-amber-50 text-amber-800', fresh: 'bg-emerald-50 text-emerald-800', stale: 'bg-rose-50 text-rose-800' }[state];
  return <span className={`badge ${cls}`}>{t(`segments.health.${state}`)}</span>;
}

export function useLagText() {
  const { t } = useTranslation();
  return (seconds: number | null) => {
    if (seconds === null) return '—';
    const { value, unit } = lagParts(seconds);
    return t('segments.health.lagValue', { ago: new Intl.RelativeTimeFormat(currentLocale(), { numeric: 'auto' }).format(-value, unit) });
  };
}

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold text-slate-900">{children}</dd>
    </div>
  );
}

export default function SegmentDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const canEdit = useCanEditSegments();
  const lagText = useLagText();
  const [days, setDays] = useState(30);
  const [rebuilt, setRebuilt] = useState<BuildResult | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The worker builds a saved or edited rule within about a second, and rebuilds every few
  // minutes: ask again until the build lands, so the page does not keep the old figures.
  const seg = useQuery({ queryKey: ['segment', id], queryFn: ({ signal }) => get<Segment>(`/segments/${id}`, signal), refetchInterval: (q) => detailRefetchMs(q.state.data) });
  const daily = useQuery({ queryKey: ['segment-daily', id, days], queryFn: ({ signal }) => get<DailyHistory>(`/segments/${id}/history/daily?days=${days}`, signal) });
  const members = useInfiniteQuery({
    queryKey: ['segment-members', id],
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => get<{ items: Member[]; nextCursor: string | null }>(`/segments/${id}/members?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  // A new build changes who is in it and the day's entries and exits.
  const builtAt = seg.data?.health.lastBuiltAt;
  const seenBuild = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (builtAt === undefined) return;
    if (seenBuild.current !== undefined && seenBuild.current !== builtAt) {
      void qc.invalidateQueries({ queryKey: ['segment-members', id] });
      void qc.invalidateQueries({ queryKey: ['segment-daily', id] });
    }
    seenBuild.current = builtAt;
  }, [builtAt, id, qc]);

  const refresh = () =>
    Promise.all(['segment', 'segment-daily', 'segment-members'].map((k) => qc.invalidateQueries({ queryKey: [k, id] })).concat(qc.invalidateQueries({ queryKey: ['segments'] })));

  async function act(fn: () => Promise<void>) {
    setBusy(true);
    setActionError(null);
    try {
      await fn();
    } catch (err) {
      setActionError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  if (seg.isLoading) return <Spinner />;
  if (seg.isError || !seg.data) return <ErrorNotice error={seg.error} />;
  const s = seg.data;
  const h = s.health;
  const rows = members.data?.pages.flatMap((p) => p.items) ?? [];
  const isStatic = s.kind === 'static';

  const rebuild = () =>
    act(async () => {
      setRebuilt(await post<BuildResult>(`/segments/${id}/rebuild`));
      await refresh();
    });
  const remove = () =>
    act(async () => {
      if (!window.confirm(t('segments.detail.confirmDelete', { name: s.name }))) return;
      await del(`/segments/${id}`);
      await qc.invalidateQueries({ queryKey: ['segments'] });
      navigate('/segments');
    });
  const removeMember = (m: Member) =>
    act(async () => {
      await api('DELETE', `/segments/${id}/members`, { contactIds: [m.id] });
      await refresh();
    });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm">
            <Link to="/segments" className="text-indigo-700 hover:underline">
              {t('segments.title')}
            </Link>
          </p>
          <h1 className="text-2xl font-semibold tracking-tight">{s.name}</h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
            <span className="badge">{t(`segments.kind.${s.kind}`)}</span>
            <HealthBadge segment={s} />
            {s.description && <span>{s.description}</span>}
          </div>
        </div>
        {canEdit && (
          <div className="flex flex-wrap gap-2">
            {!isStatic && (
              <button type="button" className="btn-primary" disabled={busy} onClick={() => void rebuild()}>
                {t('segments.detail.rebuild')}
              </button>
            )}
            <Link className="btn-secondary" to={`/segments/${id}/edit`}>
              {isStatic ? t('segments.detail.rename') : t('segments.detail.editRule')}
            </Link>
            <button type="button" className="btn-ghost text-rose-700" disabled={busy} onClick={() => void remove()}>
              {t('common.delete')}
            </button>
          </div>
        )}
      </div>

      <div aria-live="polite">
        {rebuilt && (
          <p className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">
            {t('segments.detail.rebuilt', { ms: formatNumber(rebuilt.ms), entered: formatNumber(rebuilt.entered), exited: formatNumber(rebuilt.exited), size: formatNumber(rebuilt.size) })}
          </p>
        )}
      </div>
      {actionError && <ErrorNotice error={new Error(actionError)} />}

      <section aria-labelledby="health-title" className="card p-5">
        <h2 id="health-title" className="mb-3 text-base font-semibold">
          {t('segments.detail.health')}
        </h2>
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
          <Figure label={t('segments.col.size')}>{formatNumber(h.size)}</Figure>
          {!isStatic && (
            <>
              <Figure label={t('segments.col.lastBuild')}>{formatDateTime(h.lastBuiltAt)}</Figure>
              <Figure label={t('segments.col.duration')}>{h.lastBuildMs === null ? '—' : t('segments.detail.ms', { ms: formatNumber(h.lastBuildMs) })}</Figure>
              <Figure label={t('segments.col.lag')}>{lagText(h.lagSeconds)}</Figure>
              <Figure label={t('segments.detail.lastEntered')}>{formatNumber(h.lastEntered)}</Figure>
              <Figure label={t('segments.detail.lastExited')}>{formatNumber(h.lastExited)}</Figure>
            </>
          )}
        </dl>
        {!isStatic && !h.lastBuiltAt && <p className="mt-3 text-sm text-amber-800">{t('segments.detail.notBuilt')}</p>}
        {!isStatic && h.lastBuiltAt && awaitingBuild(s) && (
          <p role="status" className="mt-3 text-sm text-amber-800">
            {t('segments.detail.awaitingBuild')}
          </p>
        )}
      </section>

      <section aria-labelledby="history-title" className="card p-5">
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          <h2 id="history-title" className="text-base font-semibold">
            {t('segments.history.title')}
          </h2>
          <div className="flex items-center gap-2">
            <label htmlFor="history-days" className="text-sm text-slate-600">
              {t('segments.history.period')}
            </label>
            <select id="history-days" className="input w-auto" value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {[30, 90, 365].map((d) => (
                <option key={d} value={d}>
                  {t('segments.history.lastDays', { count: d })}
                </option>
              ))}
            </select>
          </div>
        </div>
        {daily.isLoading ? <Spinner /> : daily.isError || !daily.data ? <ErrorNotice error={daily.error} /> : <HistoryChart history={daily.data} />}
      </section>

      <div className={isStatic && canEdit ? 'grid gap-6 lg:grid-cols-3' : ''}>
        <section aria-labelledby="members-title" className="card overflow-x-auto lg:col-span-2">
          <h2 id="members-title" className="p-4 pb-2 text-base font-semibold">
            {t('segments.detail.members')}
          </h2>
          {members.isLoading ? (
            <Spinner />
          ) : members.isError ? (
            <ErrorNotice error={members.error} />
          ) : rows.length === 0 ? (
            <div className="p-4">
              <EmptyState title={t('segments.detail.noMembers')}>{isStatic ? t('segments.detail.noMembersStatic') : h.lastBuiltAt ? t('segments.detail.noMembersDynamic') : t('segments.detail.noMembersNotBuilt')}</EmptyState>
            </div>
          ) : (
            <>
              <table className="table" aria-label={t('segments.detail.members')}>
                <thead>
                  <tr>
                    <th scope="col">{t('segments.col.name')}</th>
                    <th scope="col">{t('segments.col.email')}</th>
                    <th scope="col">{t('segments.col.since')}</th>
                    {isStatic && canEdit && <th scope="col"><span className="sr-only">{t('segments.col.actions')}</span></th>}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.map((m) => (
                    <tr key={m.id}>
                      <td>
                        <CustomerLink id={m.id} strong>
                          {m.name}
                        </CustomerLink>
                      </td>
                      <td dir="ltr" className="text-start">{m.email ?? ''}</td>
                      <td>{formatDate(m.since)}</td>
                      {isStatic && canEdit && (
                        <td className="text-end">
                          <button type="button" className="btn-ghost px-2 py-1 text-xs text-rose-700" disabled={busy} onClick={() => void removeMember(m)} aria-label={t('segments.detail.removeMember', { name: m.name })}>
                            {t('segments.builder.remove')}
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="p-3 text-center text-sm text-slate-500">
                {members.isFetchingNextPage ? (
                  t('common.loading')
                ) : members.hasNextPage ? (
                  <button type="button" className="btn-ghost" onClick={() => void members.fetchNextPage()}>
                    {t('segments.detail.loadMore')}
                  </button>
                ) : (
                  t('segments.detail.shown', { count: rows.length })
                )}
              </div>
            </>
          )}
        </section>
        {isStatic && canEdit && <StaticListTools segmentId={id} />}
      </div>
    </div>
  );
}
