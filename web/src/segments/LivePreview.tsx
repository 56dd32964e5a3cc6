import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../api/client.ts';
import { formatNumber } from '../i18n/format.ts';
import type { Preview, RuleNode } from './types.ts';
import { CustomerLink } from '../customers/CustomerLink.tsx';

export const PREVIEW_DELAY_MS = 400;

/**
 * Count, sample and planner cost of the rule as it stands, asked for once the rule has stopped
 * changing. The answer (or the 400 naming bad nodes) is keyed by the rule it was asked for, so
 * the builder only shows errors that belong to the tree on screen.
 */
export function usePreview(rule: RuleNode, enabled: boolean) {
  const key = JSON.stringify(rule);
  const q = useQuery({
    queryKey: ['segment-preview', key],
    queryFn: () => post<Preview>('/segments/preview', { rule }),
    enabled,
    retry: false,
    staleTime: 15_000,
    placeholderData: keepPreviousData,
  });
  const fields = q.error instanceof ApiError && q.error.status === 400 ? (q.error.body.fields ?? { rule: [q.error.message] }) : undefined;
  return { query: q, key, fields };
}

export function PreviewPanel(props: { preview: ReturnType<typeof usePreview>['query']; incomplete: number; empty: boolean; pending: boolean; hasErrors: boolean }) {
  const { t } = useTranslation();
  const { preview } = props;
  const data = preview.data;
  const busy = props.pending || preview.isFetching;
  let status: string;
  if (props.empty) status = t('segments.preview.empty');
  else if (props.incomplete > 0) status = t('segments.preview.incomplete', { count: props.incomplete });
  else if (props.hasErrors) status = t('segments.preview.fix');
  else if (preview.isError) status = preview.error instanceof Error ? preview.error.message : t('common.error');
  else if (data) status = t('segments.preview.count', { count: data.count, formatted: formatNumber(data.count) });
  else status = t('segments.preview.counting');

  return (
    <section aria-labelledby="preview-title" className="card space-y-3 p-4" aria-busy={busy}>
      <h2 id="preview-title" className="text-base font-semibold">
        {t('segments.preview.title')}
      </h2>
      <p role="status" aria-live="polite" className={`text-2xl font-semibold ${props.hasErrors || props.incomplete ? 'text-base font-normal text-slate-600' : ''}`} data-testid="live-count">
        {status}
      </p>
      {busy && <p className="text-xs text-slate-500">{t('segments.preview.updating')}</p>}
      {data && !props.empty && !props.incomplete && !props.hasErrors && (
        <>
          {data.planCost !== null && (
            <p className="text-xs text-slate-500">{t('segments.preview.planCost', { cost: formatNumber(data.planCost, 1) })}</p>
          )}
          {data.sample.length > 0 && (
            <div>
              <h3 className="mb-1 text-sm font-medium text-slate-700">{t('segments.preview.sample')}</h3>
              <ul className="divide-y divide-slate-100 text-sm" aria-label={t('segments.preview.sample')}>
                {data.sample.map((m) => (
                  <li key={m.id} className="flex flex-wrap gap-x-2 py-1">
                    <CustomerLink id={m.id}>{m.name}</CustomerLink>
                    {m.email && (
                      <span className="text-slate-500" dir="ltr">
                        {m.email}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}
