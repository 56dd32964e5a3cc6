import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../api/client.ts';
import { useCanEditSegments, useCanWriteCustomers, useSession } from '../auth/session.tsx';
import { formatDateTime, formatMoney, formatNumber, formatPercent } from '../i18n/format.ts';
import { Field } from '../ui/Field.tsx';
import { EmptyState, ErrorNotice, Spinner } from '../ui/states.tsx';
import { jobRunning, jobStatusKey, parseK, share } from './logic.ts';
import type { Cluster, ClusterRun, Job } from './types.ts';
import { useJob } from './useJob.ts';
import { clusterName } from './wording.ts';
import { CustomerLink } from '../customers/CustomerLink.tsx';


/** Groups found by k-means: choose k, run, and per group its label, figures, members and "save as segment". */
export function ClustersView() {
  const { t } = useTranslation();
  const me = useSession();
  const currency = me.workspace.currency ?? 'EUR';
  const clusters = useQuery({ queryKey: ['insights', 'clusters'], queryFn: ({ signal }) => get<{ latest: ClusterRun | null; job: Job | null }>('/insights/clusters', signal) });
  const { job, start } = useJob(['insights', 'clusters'], clusters.data?.job);
  const [k, setK] = useState('auto');
  const [kError, setKError] = useState<string | null>(null);
  const [runError, setRunError] = useState<unknown>(null);
  const running = jobRunning(job);
  const canRun = useCanWriteCustomers();

  const run = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseK(k);
    if ('error' in parsed) return setKError(t(parsed.error));
    setKError(null);
    setRunError(null);
    try {
      start((await post<{ jobId: string }>('/insights/clusters', { k: parsed.k })).jobId);
    } catch (err) {
      setRunError(err);
    }
  };

  const latest = clusters.data?.latest ?? null;
  const status = jobStatusKey(job);
  return (
    <div className="space-y-6">
      {canRun && (
        <form onSubmit={run} className="card flex flex-wrap items-end gap-3 p-5" noValidate>
          <Field className="w-40" label={t('insights.clusters.k')} hint={t('insights.clusters.kHint')} value={k} onChange={(e) => setK(e.target.value)} error={kError ?? undefined} inputMode="numeric" />
          <button className="btn-primary" disabled={running}>
            {running ? t('insights.clusters.running') : t('insights.clusters.run')}
          </button>
          {status && (
            <p role="status" className={`text-sm ${job?.state === 'failed' ? 'text-rose-700' : 'text-slate-600'}`}>
              {t(status)}
              {job?.state === 'failed' && job.error ? `: ${job.error}` : ''}
            </p>
          )}
          {runError != null && <ErrorNotice error={runError} />}
        </form>
      )}
      {clusters.isLoading ? (
        <Spinner />
      ) : clusters.isError ? (
        <ErrorNotice error={clusters.error} />
      ) : !latest ? (
        <EmptyState title={t('insights.clusters.emptyTitle')}>{canRun ? t('insights.clusters.emptyBody') : t('insights.clusters.emptyBodyReadOnly')}</EmptyState>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            {t('insights.clusters.summary', { k: latest.k, customers: formatNumber(latest.customers), when: formatDateTime(latest.createdAt) })}
            {latest.suggestedK !== null && ` ${t('insights.clusters.suggested', { k: latest.suggestedK })}`}
          </p>
          <ul className="grid gap-4 md:grid-cols-2" aria-label={t('insights.clusters.listLabel')}>
            {latest.clusters.map((c) => (
              <ClusterCard key={c.id} cluster={c} total={latest.customers} currency={currency} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function ClusterCard({ cluster: c, total, currency }: { cluster: Cluster; total: number; currency: string }) {
  const { t } = useTranslation();
  const canSaveSegment = useCanEditSegments();
  const [showMembers, setShowMembers] = useState(false);
  const [saving, setSaving] = useState(false);
  const headingId = `cluster-${c.id}`;
  const pct = share(c.size, total);
  const name = clusterName(t, c.labelParts, c.label);
  return (
    <li className="card space-y-3 p-5" aria-labelledby={headingId}>
      <div className="flex items-start justify-between gap-3">
        <h2 id={headingId} className="text-base font-semibold">
          {name}
        </h2>
        <span className="badge">{t('insights.clusters.customers', { count: c.size, n: formatNumber(c.size) })}</span>
      </div>
      <div className="h-2 rounded bg-slate-100" aria-hidden>
        <div className="h-2 rounded bg-indigo-500" style={{ width: `${pct}%` }} />
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">{t('insights.clusters.share')}</dt>
        <dd className="text-end tabular-nums">{formatPercent(pct / 100, 1)}</dd>
        <dt className="text-slate-500">{t('insights.clusters.aov')}</dt>
        <dd className="text-end tabular-nums">{formatMoney(c.avgOrderMinor, currency)}</dd>
        <dt className="text-slate-500">{t('insights.clusters.medianGap')}</dt>
        <dd className="text-end tabular-nums">{c.medianGapDays === null ? '—' : t('insights.days', { count: Math.round(c.medianGapDays), n: formatNumber(Math.round(c.medianGapDays)) })}</dd>
        <dt className="text-slate-500">{t('insights.clusters.recency')}</dt>
        <dd className="text-end tabular-nums">{t('insights.days', { count: Math.round(c.centroid.daysSinceLastOrder ?? 0), n: formatNumber(Math.round(c.centroid.daysSinceLastOrder ?? 0)) })}</dd>
        <dt className="text-slate-500">{t('insights.clusters.frequency')}</dt>
        <dd className="text-end tabular-nums">{formatNumber(c.centroid.orders ?? 0, 1)}</dd>
        <dt className="text-slate-500">{t('insights.clusters.monetary')}</dt>
        <dd className="text-end tabular-nums">{formatMoney(c.centroid.totalMinor ?? 0, currency)}</dd>
      </dl>
      <div className="flex flex-wrap gap-2">
        <button type="button" className="btn-secondary" aria-expanded={showMembers} onClick={() => setShowMembers((v) => !v)}>
          {showMembers ? t('insights.clusters.hideMembers') : t('insights.clusters.showMembers')}
        </button>
        {canSaveSegment && !saving && (
          <button type="button" className="btn-primary" onClick={() => setSaving(true)}>
            {t('insights.clusters.saveAsSegment')}
          </button>
        )}
      </div>
      {saving && <SaveAsSegment cluster={c} defaultName={name} onCancel={() => setSaving(false)} />}
      {showMembers && <ClusterMembers clusterId={c.id} />}
    </li>
  );
}

/** The name starts as the group's, in the reader's language, and is always sent: the segment is named as the user saw it. */
function SaveAsSegment({ cluster, defaultName, onCancel }: { cluster: Cluster; defaultName: string; onCancel(): void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(defaultName);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<{ id: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);
  if (saved)
    return (
      <p role="status" className="text-sm text-emerald-700">
        {t('insights.clusters.saved')}{' '}
        <Link className="font-medium text-indigo-700 hover:underline" to={`/segments/${saved.id}`}>
          {saved.name}
        </Link>
      </p>
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSaved(await post<{ id: string; name: string }>(`/insights/clusters/${cluster.id}/segment`, { name }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const nameError = error instanceof ApiError ? error.fieldError('name') : undefined;
  return (
    <form onSubmit={submit} className="space-y-2 rounded-md bg-slate-50 p-3" noValidate>
      <Field label={t('insights.clusters.segmentName')} hint={t('insights.clusters.segmentHint')} value={name} onChange={(e) => setName(e.target.value)} error={nameError} maxLength={200} />
      {error != null && !nameError && <ErrorNotice error={error} />}
      <div className="flex gap-2">
        <button className="btn-primary" disabled={busy || !name.trim()}>
          {t('insights.clusters.saveSegment')}
        </button>
        <button type="button" className="btn-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

interface MemberContact {
  id: string;
  name: string;
}

/** The group's members, 20 at a time. */
function ClusterMembers({ clusterId }: { clusterId: string }) {
  const { t } = useTranslation();
  const members = useInfiniteQuery({
    queryKey: ['insights', 'cluster-members', clusterId],
    initialPageParam: '',
    queryFn: async ({ pageParam, signal }) => {
      const page = await get<{ items: string[]; people: MemberContact[]; nextCursor: string | null }>(`/insights/clusters/${clusterId}/members?limit=20${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`, signal);
      return { items: page.people, nextCursor: page.nextCursor };
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (members.isLoading) return <Spinner />;
  if (members.isError) return <ErrorNotice error={members.error} />;
  const rows = members.data?.pages.flatMap((p) => p.items) ?? [];
  if (rows.length === 0) return <p className="text-sm text-slate-500">{t('insights.clusters.noMembers')}</p>;
  return (
    <div>
      <ul className="divide-y divide-slate-100 text-sm" aria-label={t('insights.clusters.membersLabel')}>
        {rows.map((m) => (
          <li key={m.id} className="py-1.5">
            <CustomerLink id={m.id}>{m.name}</CustomerLink>
          </li>
        ))}
      </ul>
      {members.hasNextPage && (
        <button type="button" className="btn-ghost mt-2" disabled={members.isFetchingNextPage} onClick={() => void members.fetchNextPage()}>
          {t('insights.more')}
        </button>
      )}
    </div>
  );
}
