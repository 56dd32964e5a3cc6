import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../i18n/format.ts';
import { EventDetail } from './EventDetail.tsx';
import { eventLabel } from './live.ts';
import type { StreamEvent } from './types.ts';
import { CustomerLink } from '../customers/CustomerLink.tsx';

const TYPE_COLOURS: Record<string, string> = {
  track: 'bg-indigo-50 text-indigo-700',
  identify: 'bg-emerald-50 text-emerald-700',
  page: 'bg-sky-50 text-sky-700',
  screen: 'bg-sky-50 text-sky-700',
  group: 'bg-amber-50 text-amber-800',
  alias: 'bg-slate-100 text-slate-700',
};

/** Events as a list; each row opens its details in place (a disclosure button, so keyboards reach it). */
export function EventList({ items, label, showCustomer = true }: { items: StreamEvent[]; label: string; showCustomer?: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const nameOf = (e: StreamEvent) => eventLabel(e, (type) => t(`events.type.${type}`));
  return (
    <ol className="divide-y divide-slate-100" aria-label={label}>
      {items.map((e) => {
        const expanded = open === e.id;
        return (
          <li key={e.id} data-testid="event-row">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm">
              <button
                type="button"
                // basis: on a narrow screen the customer and time wrap below instead of squeezing the name to a letter.
                className="flex min-w-0 flex-1 basis-48 items-center gap-2 rounded text-start hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
                aria-expanded={expanded}
                aria-controls={`event-${e.id}`}
                onClick={() => setOpen(expanded ? null : e.id)}
              >
                <span aria-hidden className={`transition-transform ${expanded ? 'rotate-90' : 'rtl:rotate-180'}`}>
                  ›
                </span>
                <span className={`badge ${TYPE_COLOURS[e.type] ?? ''}`}>{t(`events.type.${e.type}`)}</span>
                {e.event !== null && <span className="truncate font-medium">{e.event}</span>}
              </button>
              {showCustomer &&
                (e.contact ? (
                  <CustomerLink id={e.contact.id}>{e.contact.name || t('events.detail.unnamed')}</CustomerLink>
                ) : (
                  <span className="text-slate-500" dir="ltr">
                    {e.anonymousId ?? e.userId ?? t('events.detail.anonymous')}
                  </span>
                ))}
              <time className="text-xs text-slate-500" dateTime={e.occurredAt}>
                {formatDateTime(e.occurredAt)}
              </time>
            </div>
            {expanded && (
              <div id={`event-${e.id}`} className="mb-3 rounded-md bg-slate-50 p-3" role="region" aria-label={t('events.detail.title', { name: nameOf(e) })}>
                <EventDetail event={e} showCustomer={showCustomer} />
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
