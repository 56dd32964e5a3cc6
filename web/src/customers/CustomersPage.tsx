import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client.ts';
import { formatDate } from '../i18n/format.ts';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../ui/states.tsx';
import { useCanWriteCustomers } from '../auth/session.tsx';
import { pathFor, type Contact, type ContactKind, type Page } from './types.ts';
import { useDebounced } from './useDebounced.ts';
import { usePhoneFormat } from './display.ts';
import { CustomerLink } from './CustomerLink.tsx';

/** Filters live in the URL so a filtered list can be bookmarked and survives a reload. */
function useListParams() {
  const [params, setParams] = useSearchParams();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return {
    kind: (params.get('kind') === 'company' ? 'company' : 'person') as ContactKind,
    search: params.get('q') ?? '',
    tag: params.get('tag') ?? '',
    sort: params.get('sort') === 'created' ? 'created' : 'name',
    lastOrderDays: params.get('lastOrderDays') ?? '',
    set,
  };
}

export default function CustomersPage() {
  const { t } = useTranslation();
  const canWrite = useCanWriteCustomers();
  const formatPhone = usePhoneFormat();
  const p = useListParams();
  const [searchText, setSearchText] = useState(p.search);
  const search = useDebounced(searchText, 200);
  useEffect(() => {
    if (search !== p.search) p.set('q', search);
  }, [search]); // eslint-disable-line react-hooks/exhaustive-deps


  const list = useInfiniteQuery({
    queryKey: ['contacts', p.kind, search, p.tag, p.sort, p.lastOrderDays],
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ limit: '50', sort: p.sort });
      if (search) q.set('search', search);
      if (p.tag) q.set('tag', p.tag);
      if (p.lastOrderDays) q.set('lastOrderDaysAgoMin', p.lastOrderDays);
      if (pageParam) q.set('cursor', pageParam);
      return get<Page<Contact>>(`${pathFor(p.kind)}?${q}`, signal);
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Search as you type: keep the last rows on screen while the next letter's answer loads,
    // instead of flashing a spinner on every key press.
    placeholderData: keepPreviousData,
  });

  // Infinite scroll: the sentinel row loads the next page when it comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries[0].isIntersecting && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [list.hasNextPage, list.isFetchingNextPage, list.fetchNextPage]);

  // Tag counts are a heavier query; they wait until the list itself has arrived.
  const tags = useQuery({
    queryKey: ['tags'],
    queryFn: () => get<{ items: Array<{ tag: string; count: number }> }>('/tags'),
    enabled: !list.isLoading,
    staleTime: 60_000,
  });

  const rows = list.data?.pages.flatMap((pg) => pg.items) ?? [];
  const filtered = Boolean(search || p.tag || p.lastOrderDays);

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        actions={
          canWrite && (
            <Link to={`/customers/new?kind=${p.kind}`} className="btn-primary">
              {p.kind === 'person' ? t('customers.newPerson') : t('customers.newCompany')}
            </Link>
          )
        }
      />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <div role="tablist" aria-label={t('customers.kind')} className="flex rounded-md ring-1 ring-slate-300">
          {(['person', 'company'] as const).map((k) => (
            <button
              key={k}
              role="tab"
              aria-selected={p.kind === k}
              className={`px-3 py-2 text-sm first:rounded-s-md last:rounded-e-md ${p.kind === k ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700'}`}
              onClick={() => p.set('kind', k === 'person' ? '' : k)}
            >
              {k === 'person' ? t('customers.people') : t('customers.companies')}
            </button>
          ))}
        </div>
        <div className="min-w-64 flex-1">
          <label htmlFor="customer-search" className="label">
            {t('common.search')}
          </label>
          <input
            id="customer-search"
            type="search"
            className="input"
            placeholder={t('customers.searchPlaceholder')}
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="tag-filter" className="label">
            {t('customers.tag')}
          </label>
          <select id="tag-filter" className="input" value={p.tag} onChange={(e) => p.set('tag', e.target.value)}>
            <option value="">{t('customers.anyTag')}</option>
            {tags.data?.items.map((x) => (
              <option key={x.tag} value={x.tag}>
                {x.tag} ({x.count})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="last-order" className="label">
            {t('customers.lastOrder')}
          </label>
          <select id="last-order" className="input" value={p.lastOrderDays} onChange={(e) => p.set('lastOrderDays', e.target.value)}>
            <option value="">{t('customers.anyTime')}</option>
            {['30', '90', '180', '365'].map((d) => (
              <option key={d} value={d}>
                {t('customers.moreThanDaysAgo', { count: Number(d) })}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="sort" className="label">
            {t('customers.sort')}
          </label>
          <select id="sort" className="input" value={p.sort} onChange={(e) => p.set('sort', e.target.value === 'name' ? '' : e.target.value)} disabled={Boolean(search)}>
            <option value="name">{t('customers.sortName')}</option>
            <option value="created">{t('customers.sortCreated')}</option>
          </select>
        </div>
      </div>

      {list.isLoading ? (
        <Spinner />
      ) : list.isError ? (
        <ErrorNotice error={list.error} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={filtered ? t('customers.noMatchTitle') : t('customers.emptyTitle')}
          action={
            !filtered &&
            canWrite && (
              <div className="flex gap-2">
                <Link className="btn-primary" to={`/customers/new?kind=${p.kind}`}>
                  {t('customers.addFirst')}
                </Link>
                <Link className="btn-secondary" to="/imports">
                  {t('customers.importCsv')}
                </Link>
              </div>
            )
          }
        >
          {filtered ? t('customers.noMatchBody') : t('customers.emptyBody')}
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table" aria-label={t('customers.title')}>
            <thead>
              <tr>
                <th scope="col">{t('customers.name')}</th>
                <th scope="col">{t('customers.email')}</th>
                <th scope="col">{t('customers.phone')}</th>
                <th scope="col">{t('customers.tags')}</th>
                <th scope="col">{t('customers.created')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((c) => (
                <tr key={c.id} className="hover:bg-slate-50">
                  <td>
                    <CustomerLink id={c.id} strong>
                      {c.name}
                    </CustomerLink>
                  </td>
                  <td dir="ltr" className="text-start">{c.emails[0] ?? ''}</td>
                  <td dir="ltr" className="text-start">{c.phones[0] ? formatPhone(c.phones[0]) : ''}</td>
                  <td>
                    <div className="flex flex-wrap gap-1">
                      {c.tags.slice(0, 4).map((tag) => (
                        <span key={tag} className="badge">
                          {tag}
                        </span>
                      ))}
                    </div>
                  </td>
                  <td>{formatDate(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div ref={sentinel} className="p-3 text-center text-sm text-slate-500">
            {list.isFetchingNextPage ? t('common.loading') : list.hasNextPage ? (
              <button className="btn-ghost" onClick={() => void list.fetchNextPage()}>
                {t('customers.loadMore')}
              </button>
            ) : (
              t('customers.endOfList', { count: rows.length })
            )}
          </div>
        </div>
      )}
    </>
  );
}
