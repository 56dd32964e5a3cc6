import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client.ts';
import type { AttributeDef } from './types.ts';

// The workspace's custom fields, read by the customer form and page, the segment builder and
// settings: one query, so a field added in settings shows everywhere at once.

export const ATTRIBUTE_DEFS_KEY = ['attributes'] as const;

export function useAttributeDefs() {
  return useQuery({ queryKey: ATTRIBUTE_DEFS_KEY, queryFn: ({ signal }) => get<{ items: AttributeDef[] }>('/attributes', signal), staleTime: 60_000 });
}
