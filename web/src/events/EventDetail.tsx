import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../i18n/format.ts';
import { prettyJson } from './live.ts';
import type { StreamEvent } from './types.ts';
import { CustomerLink } from '../customers/CustomerLink.tsx';

function Json({ label, value }: { label: string; value: Record<string, unknown> }) {
  const { t } = useTranslation();
  return (
    <div>
      <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{label}</h4>
      {Object.keys(value).length === 0 ? (
        <p className="text-sm text-slate-500">{t('events.detail.none')}</p>
      ) : (
        <pre dir="ltr" className="max-h-80 overflow-auto rounded-md bg-slate-900 p-3 text-start font-mono text-xs text-slate-100" data-testid={`event-${label.toLowerCase()}`}>
          {prettyJson(value)}
        </pre>
      )}
    </div>
  );
}

/** Everything stored about one event: ids, times, the customer it belongs to, properties and context. */
export function EventDetail({ event: e, showCustomer = true }: { event: StreamEvent; showCustomer?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="space-y-3">
      <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
        {showCustomer && (
          <div className="flex gap-2">
            <dt className="text-slate-500">{t('events.detail.customer')}</dt>
            <dd>
              {e.contact ? (
                <CustomerLink id={e.contact.id}>{e.contact.name || t('events.detail.unnamed')}</CustomerLink>
              ) : (
                t('events.detail.anonymous')
              )}
            </dd>
          </div>
        )}
        <div className="flex gap-2">
          <dt className="text-slate-500">{t('events.detail.occurredAt')}</dt>
          <dd>
            <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>
          </dd>
        </div>
        <div className="flex gap-2">
          <dt className="text-slate-500">{t('events.detail.receivedAt')}</dt>
          <dd>
            <time dateTime={e.receivedAt}>{formatDateTime(e.receivedAt)}</time>
          </dd>
        </div>
        {e.userId && (
          <div className="flex gap-2">
            <dt className="text-slate-500">{t('events.detail.userId')}</dt>
            <dd dir="ltr" className="font-mono text-xs">
              {e.userId}
            </dd>
          </div>
        )}
        {e.anonymousId && (
          <div className="flex gap-2">
            <dt className="text-slate-500">{t('events.detail.anonymousId')}</dt>
            <dd dir="ltr" className="font-mono text-xs">
              {e.anonymousId}
            </dd>
          </div>
        )}
        <div className="flex gap-2">
          <dt className="text-slate-500">{t('events.detail.messageId')}</dt>
          <dd dir="ltr" className="break-all font-mono text-xs">
            {e.messageId}
          </dd>
        </div>
      </dl>
      <Json label={t('events.detail.properties')} value={e.properties} />
      <Json label={t('events.detail.context')} value={e.context} />
    </div>
  );
}
