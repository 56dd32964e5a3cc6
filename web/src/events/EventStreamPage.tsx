import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useDebounced } from '../customers/useDebounced.ts';
import { Field, SelectField } from '../ui/Field.tsx';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../ui/states.tsx';
import { EventList } from './EventList.tsx';
import { LiveControls } from './LiveControls.tsx';
import { EVENT_TYPES, type StreamFilters } from './types.ts';
import { useEventStream } from './useEventStream.ts';

/** The workspace's events as they arrive, newest on top, with filters and a pause button. */
export function EventStreamPage() {
  const { t } = useTranslation();
  const [live, setLive] = useState(true);
  const [type, setType] = useState<StreamFilters['type']>('');
  const [event, setEvent] = useState('');
  const [anonymousId, setAnonymousId] = useState('');
  const [since, setSince] = useState('');
  const filters: StreamFilters = { type, event: useDebounced(event, 300), anonymousId: useDebounced(anonymousId, 300), since };
  const stream = useEventStream(filters, { live });
  const filtered = Boolean(type || event || anonymousId || since);

  return (
    <div className="space-y-4">
      <PageHeader title={t('events.title')} actions={<LiveControls live={live} onToggle={() => setLive(!live)} arrived={stream.arrived} />} />
      <form className="card grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-4" role="search" aria-label={t('events.filters.label')} onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label={t('events.filters.type')}
          value={type}
          onChange={(e) => setType(e.target.value as StreamFilters['type'])}
          options={[{ value: '', label: t('events.filters.anyType') }, ...EVENT_TYPES.map((v) => ({ value: v, label: t(`events.type.${v}`) }))]}
        />
        <Field label={t('events.filters.event')} value={event} maxLength={200} placeholder={t('events.filters.eventPlaceholder')} onChange={(e) => setEvent(e.target.value)} />
        <Field label={t('events.filters.anonymousId')} value={anonymousId} maxLength={200} onChange={(e) => setAnonymousId(e.target.value)} />
        <Field label={t('events.filters.since')} type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
      </form>
      {stream.error ? <ErrorNotice error={stream.error} /> : null}
      {stream.loading ? (
        <Spinner />
      ) : stream.items.length === 0 ? (
        filtered ? (
          <EmptyState title={t('events.empty.filteredTitle')}>{t('events.empty.filtered')}</EmptyState>
        ) : (
          <EmptyState
            title={t('events.empty.title')}
            action={
              <Link className="btn-primary" to="/events/sources">
                {t('events.empty.action')}
              </Link>
            }
          >
            {t('events.empty.body')}
          </EmptyState>
        )
      ) : (
        <section className="card p-4">
          {stream.gap && <p className="mb-2 text-xs text-amber-700">{t('events.live.gap')}</p>}
          <EventList items={stream.items} label={t('events.stream')} />
          {stream.hasOlder && (
            <div className="pt-3 text-center">
              <button type="button" className="btn-secondary" disabled={stream.loadingOlder} onClick={stream.loadOlder}>
                {stream.loadingOlder ? t('common.loading') : t('events.older')}
              </button>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
