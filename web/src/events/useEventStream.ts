import { useCallback, useEffect, useRef, useState } from 'react';
import { get } from '../api/client.ts';
import { appendOlder, mergeEvents, streamQuery, type StreamOrder } from './live.ts';
import type { StreamEvent, StreamFilters, StreamPage } from './types.ts';

/** How often a live list asks for new events. */
export const POLL_MS = 2500;

export interface EventStream {
  items: StreamEvent[];
  loading: boolean;
  error: unknown;
  /** Events that arrived live since the list was opened (the counter beside the pause button). */
  arrived: number;
  /** More events arrived during one poll than it returns: the list skips some between. */
  gap: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder(): void;
}

/**
 * A list of events that stays current: the first page, then a poll with `after` every few
 * seconds while `live` is on. Changing the filters starts over.
 */
export function useEventStream(filters: StreamFilters, opts: { live: boolean; pageSize?: number }): EventStream {
  const pageSize = opts.pageSize ?? 50;
  const order: StreamOrder = filters.contactId ? 'time' : 'arrival';
  const key = streamQuery(filters);
  const [items, setItems] = useState<StreamEvent[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [arrived, setArrived] = useState(0);
  const [gap, setGap] = useState(false);
  const [older, setOlder] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const resume = useRef<string | null>(null);
  const generation = useRef(0);
  /** What is on screen, for merging a poll's answer outside a state updater. */
  const shown = useRef<StreamEvent[]>([]);
  shown.current = items;

  useEffect(() => {
    const gen = ++generation.current;
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    setItems([]);
    setArrived(0);
    setGap(false);
    resume.current = null;
    get<StreamPage>(`/events?${streamQuery(filters, { limit: String(pageSize) })}`, ctrl.signal)
      .then((page) => {
        if (gen !== generation.current) return;
        setItems(page.items);
        setOlder(page.nextCursor);
        resume.current = page.resumeAfter;
      })
      .catch((e) => {
        if (gen === generation.current && !ctrl.signal.aborted) setError(e);
      })
      .finally(() => {
        if (gen === generation.current) setLoading(false);
      });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` is the filters' identity
  }, [key, pageSize]);

  useEffect(() => {
    if (!opts.live) return;
    const gen = generation.current;
    let busy = false;
    const timer = setInterval(() => {
      if (busy || resume.current === null || document.hidden) return;
      busy = true;
      get<StreamPage>(`/events?${streamQuery(filters, { after: resume.current, limit: '100' })}`)
        .then((page) => {
          if (gen !== generation.current) return;
          resume.current = page.resumeAfter;
          if (page.truncated) setGap(true);
          const merged = mergeEvents(shown.current, page.items, order);
          shown.current = merged.items;
          setItems(merged.items);
          if (merged.added) setArrived((n) => n + merged.added);
          setError(null);
        })
        .catch((e) => {
          if (gen === generation.current) setError(e);
        })
        .finally(() => {
          busy = false;
        });
    }, POLL_MS);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opts.live, key, order]);

  const loadOlder = useCallback(() => {
    if (!older || loadingOlder) return;
    const gen = generation.current;
    setLoadingOlder(true);
    get<StreamPage>(`/events?${streamQuery(filters, { cursor: older, limit: String(pageSize) })}`)
      .then((page) => {
        if (gen !== generation.current) return;
        shown.current = appendOlder(shown.current, page.items);
        setItems(shown.current);
        setOlder(page.nextCursor);
      })
      .catch(setError)
      .finally(() => setLoadingOlder(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [older, loadingOlder, key, pageSize]);

  return { items, loading, error, arrived, gap, hasOlder: Boolean(older), loadingOlder, loadOlder };
}
