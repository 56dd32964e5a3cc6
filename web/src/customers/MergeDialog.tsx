import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../api/client.ts';
import { pathFor, type Contact, type Page } from './types.ts';
import { usePhoneFormat } from './display.ts';
import { useDebounced } from './useDebounced.ts';

/** Finds a duplicate of `keep` and merges it in: its timeline, orders and identities move over. */
export function MergeDialog({ keep, onClose }: { keep: Contact; onClose(): void }) {
  const { t } = useTranslation();
  const formatPhone = usePhoneFormat();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const search = useDebounced(text, 200);
  const [picked, setPicked] = useState<Contact | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const results = useQuery({
    queryKey: ['merge-search', keep.kind, search],
    queryFn: ({ signal }) => get<Page<Contact>>(`${pathFor(keep.kind)}?limit=10&search=${encodeURIComponent(search)}`, signal),
    enabled: search.length > 0,
  });

  async function merge() {
    if (!picked) return;
    setBusy(true);
    setError(null);
    try {
      await post('/contacts/merge', { keepId: keep.id, mergeId: picked.id });
      await qc.invalidateQueries();
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div role="dialog" aria-modal="true" aria-labelledby="merge-title" className="fixed inset-0 z-40 flex items-center justify-center bg-slate-900/40 p-4">
      <div className="card w-full max-w-lg space-y-4 p-6">
        <h2 id="merge-title" className="text-lg font-semibold">
          {t('merge.title', { name: keep.name })}
        </h2>
        <p className="text-sm text-slate-600">{t('merge.explain')}</p>
        <label htmlFor="merge-search" className="label">
          {t('merge.findDuplicate')}
        </label>
        <input id="merge-search" className="input" type="search" autoFocus value={text} onChange={(e) => setText(e.target.value)} />
        <ul className="max-h-60 divide-y divide-slate-100 overflow-auto" aria-label={t('merge.candidates')}>
          {results.data?.items
            .filter((c) => c.id !== keep.id)
            .map((c) => (
              <li key={c.id}>
                <label className="flex cursor-pointer items-center gap-2 p-2 text-sm hover:bg-slate-50">
                  <input type="radio" name="merge-pick" checked={picked?.id === c.id} onChange={() => setPicked(c)} />
                  <span className="font-medium">{c.name}</span>
                  <span className="text-slate-500" dir="ltr">
                    {c.emails[0] ?? (c.phones[0] ? formatPhone(c.phones[0]) : '')}
                  </span>
                </label>
              </li>
            ))}
        </ul>
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button className="btn-secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button className="btn-danger" disabled={!picked || busy} onClick={() => void merge()}>
            {picked ? t('merge.confirm', { name: picked.name }) : t('merge.pickFirst')}
          </button>
        </div>
      </div>
    </div>
  );
}
