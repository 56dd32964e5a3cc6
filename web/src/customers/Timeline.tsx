import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../api/client.ts';
import { formatDateTime } from '../i18n/format.ts';
import { Spinner } from '../ui/states.tsx';
import { useCanWriteCustomers } from '../auth/session.tsx';
import type { Page, TimelineItem } from './types.ts';

const FILTERS = ['', 'note', 'call', 'meeting', 'email', 'sms', 'order', 'payment', 'complaint', 'delivery', 'web', 'event'];

export function Timeline({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const canWrite = useCanWriteCustomers();
  const [channel, setChannel] = useState('');
  const feed = useInfiniteQuery({
    queryKey: ['timeline', contactId, channel],
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ limit: '20' });
      if (channel) q.set('channel', channel);
      if (pageParam) q.set('cursor', pageParam);
      return get<Page<TimelineItem>>(`/contacts/${contactId}/timeline?${q}`, signal);
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const sentinel = useRef<HTMLLIElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((e) => {
      if (e[0].isIntersecting && feed.hasNextPage && !feed.isFetchingNextPage) void feed.fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [feed.hasNextPage, feed.isFetchingNextPage, feed.fetchNextPage]);
  const items = feed.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="timeline-title" className="card p-5">
      <h2 id="timeline-title" className="mb-3 text-base font-semibold">
        {t('c360.timeline')}
      </h2>
      {canWrite && <LogInteraction contactId={contactId} />}
      <div className="my-4 flex flex-wrap gap-1" role="group" aria-label={t('c360.channelFilter')}>
        {FILTERS.map((c) => (
          <button
            key={c || 'all'}
            aria-pressed={channel === c}
            className={`rounded-full px-3 py-1 text-xs font-medium ring-1 ${channel === c ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-700 ring-slate-300'}`}
            onClick={() => setChannel(c)}
          >
            {c ? t(`channel.${c}`) : t('c360.allChannels')}
          </button>
        ))}
      </div>
      {feed.isLoading ? (
        <Spinner />
      ) : items.length === 0 ? (
        <p className="text-sm text-slate-500">{t('c360.timelineEmpty')}</p>
      ) : (
        <ol className="space-y-3" aria-label={t('c360.timeline')}>
          {items.map((i) => (
            <li key={i.id} className="border-s-2 border-indigo-200 ps-3" data-testid="timeline-item">
              <div className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
                <span className="badge">{t(`channel.${i.channel}`, { defaultValue: i.channel })}</span>
                {i.direction !== 'internal' && <span>{t(`direction.${i.direction}`)}</span>}
                <time dateTime={i.occurredAt}>{formatDateTime(i.occurredAt)}</time>
              </div>
              <p className="mt-1 text-sm text-slate-800">{i.summary}</p>
              {i.body && <p className="mt-1 whitespace-pre-wrap text-sm text-slate-600">{i.body}</p>}
            </li>
          ))}
          <li ref={sentinel} className="list-none text-center text-xs text-slate-400">
            {feed.isFetchingNextPage ? t('common.loading') : feed.hasNextPage ? '' : t('c360.timelineEnd')}
          </li>
        </ol>
      )}
    </section>
  );
}

/** Add a note, log a call or a meeting; it shows on the timeline at once. */
function LogInteraction({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [channel, setChannel] = useState<'note' | 'call' | 'meeting'>('note');
  const [summary, setSummary] = useState('');
  const [direction, setDirection] = useState<'inbound' | 'outbound'>('outbound');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!summary.trim()) {
      setError(t('c360.summaryRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await post(`/contacts/${contactId}/timeline`, {
        channel,
        direction: channel === 'note' ? 'internal' : direction,
        summary: summary.trim(),
      });
      setSummary('');
      await qc.invalidateQueries({ queryKey: ['timeline', contactId] });
    } catch (err) {
      setError(err instanceof ApiError ? err.fieldError('summary') ?? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-2 rounded-md bg-slate-50 p-3">
      <div className="flex flex-wrap gap-2">
        {(['note', 'call', 'meeting'] as const).map((c) => (
          <label key={c} className="flex items-center gap-1 text-sm">
            <input type="radio" name="log-channel" value={c} checked={channel === c} onChange={() => setChannel(c)} />
            {t(`c360.log.${c}`)}
          </label>
        ))}
        {channel !== 'note' && (
          <select aria-label={t('c360.direction')} className="input ms-auto w-auto py-1" value={direction} onChange={(e) => setDirection(e.target.value as 'inbound' | 'outbound')}>
            <option value="outbound">{t('direction.outbound')}</option>
            <option value="inbound">{t('direction.inbound')}</option>
          </select>
        )}
      </div>
      <label htmlFor="log-summary" className="sr-only">
        {t('c360.summary')}
      </label>
      <textarea
        id="log-summary"
        className="input min-h-16"
        placeholder={t(`c360.placeholder.${channel}`)}
        value={summary}
        maxLength={500}
        onChange={(e) => setSummary(e.target.value)}
      />
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <button type="submit" className="btn-primary" disabled={busy}>
        {busy ? t('common.working') : t('c360.addToTimeline')}
      </button>
    </form>
  );
}
