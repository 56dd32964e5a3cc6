import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client.ts';
import { formatDate } from '../i18n/format.ts';
import { ErrorNotice, Spinner } from '../ui/states.tsx';
import type { ContactSegment, Flag } from './types.ts';
import { slowingReason } from './wording.ts';

/** On the customer 360 page: alerts (slowing, with the reason) and the segments the customer is in. */
export function CustomerInsightsCard({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const flags = useQuery({ queryKey: ['insights', 'flags', contactId], queryFn: ({ signal }) => get<{ items: Flag[] }>(`/contacts/${contactId}/flags`, signal) });
  const segments = useQuery({ queryKey: ['segments', 'of-contact', contactId], queryFn: ({ signal }) => get<{ items: ContactSegment[] }>(`/contacts/${contactId}/segments`, signal) });
  const slowing = flags.data?.items.find((f) => f.flag === 'slowing');
  return (
    <section aria-labelledby="insights-card-title" className="card space-y-4 p-5">
      <h2 id="insights-card-title" className="text-base font-semibold">
        {t('insights.customer.title')}
      </h2>
      {flags.isLoading ? (
        <Spinner />
      ) : flags.isError ? (
        <ErrorNotice error={flags.error} />
      ) : slowing ? (
        <div role="note" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="slowing-flag">
          <p className="font-medium">{t('insights.customer.slowing', { since: formatDate(slowing.since) })}</p>
          <p className="mt-1">{slowingReason(t, slowing.details)}</p>
        </div>
      ) : (
        <p className="text-sm text-slate-500">{t('insights.customer.notSlowing')}</p>
      )}
      <div>
        <h3 className="mb-1 text-sm font-medium text-slate-700">{t('insights.customer.segments')}</h3>
        {segments.isLoading ? (
          <Spinner />
        ) : segments.isError ? (
          <ErrorNotice error={segments.error} />
        ) : segments.data?.items.length ? (
          <ul className="flex flex-wrap gap-2" aria-label={t('insights.customer.segments')}>
            {segments.data.items.map((s) => (
              <li key={s.id}>
                <Link to={`/segments/${s.id}`} className="badge bg-indigo-50 text-indigo-700 hover:underline" title={t('insights.customer.memberSince', { when: formatDate(s.since) })}>
                  {s.name}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500">{t('insights.customer.noSegments')}</p>
        )}
      </div>
    </section>
  );
}
