import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice, Spinner } from '../ui/states.tsx';
import { EventList } from './EventList.tsx';
import { LiveControls } from './LiveControls.tsx';
import { useEventStream } from './useEventStream.ts';

/** The 360° page's "Events" section: what this customer did (web, app, API), newest first, kept live. */
export function CustomerEvents({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const [live, setLive] = useState(true);
  const stream = useEventStream({ contactId }, { live, pageSize: 20 });
  return (
    <section aria-labelledby="customer-events-title" className="card p-5">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 id="customer-events-title" className="text-base font-semibold">
          {t('events.customer.title')}
        </h2>
        <LiveControls live={live} onToggle={() => setLive(!live)} arrived={stream.arrived} />
      </div>
      {stream.error ? <ErrorNotice error={stream.error} /> : null}
      {stream.loading ? (
        <Spinner />
      ) : stream.items.length === 0 ? (
        <p className="text-sm text-slate-500">{t('events.customer.empty')}</p>
      ) : (
        <>
          <EventList items={stream.items} label={t('events.customer.title')} showCustomer={false} />
          {stream.hasOlder && (
            <div className="pt-2 text-center">
              <button type="button" className="btn-ghost text-sm" disabled={stream.loadingOlder} onClick={stream.loadOlder}>
                {stream.loadingOlder ? t('common.loading') : t('events.older')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
