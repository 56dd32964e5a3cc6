import { useQuery } from '@tanstack/react-query';
import { useSession } from '../auth/session.tsx';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client.ts';
import { clusterName } from '../insights/wording.ts';
import type { Cluster } from '../insights/types.ts';
import type { CatalogContext } from './catalog.ts';
import { useAttributeDefs } from '../customers/attribute-defs.ts';
import type { Segment } from './types.ts';

// What the builder's catalog needs from the workspace: custom attributes, other segments, tags.

export function useCatalogData(selfId?: string): { ctx: CatalogContext; tags: string[]; loading: boolean } {
  const me = useSession();
  const { t } = useTranslation();
  const attributes = useAttributeDefs();
  const segments = useQuery({ queryKey: ['segments', 'all'], queryFn: ({ signal }) => get<{ items: Segment[] }>('/segments?limit=200', signal), staleTime: 30_000 });
  // The latest grouping's groups, for the 'customer group' condition (same query key as the insights page).
  const clusters = useQuery({
    queryKey: ['insights', 'clusters'],
    queryFn: ({ signal }) => get<{ latest: { clusters: Array<Pick<Cluster, 'id' | 'label' | 'labelParts'>> } | null }>('/insights/clusters', signal),
    staleTime: 60_000,
  });
  const tags = useQuery({ queryKey: ['tags'], queryFn: ({ signal }) => get<{ items: Array<{ tag: string }> }>('/tags', signal), staleTime: 60_000 });
  return {
    ctx: {
      attributes: attributes.data?.items ?? [],
      segments: (segments.data?.items ?? []).map((s) => ({ id: s.id, name: s.name })),
      selfId,
      clusters: (clusters.data?.latest?.clusters ?? []).map((x) => ({ id: x.id, label: clusterName(t, x.labelParts, x.label) })),
      currency: me.workspace.currency ?? 'EUR',
    },
    tags: (tags.data?.items ?? []).map((x) => x.tag),
    loading: attributes.isLoading || segments.isLoading,
  };
}
