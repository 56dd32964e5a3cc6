import { getOrderFigures, type OrderFigures } from '../orders/figures.ts';
import type { Executor } from '../platform/http.ts';
import { loadContact, toContact, type Contact } from './records.ts';
import { listTimeline, type TimelineItem } from './timeline.ts';

// The 360° view: one contact with everything an agent needs on one screen. It is read on every
// screen open and benchmarked, so it is a fixed handful of indexed queries: the contact by primary
// key, then in parallel its company (primary key), its order figures (one row kept current on
// every order write), the first timeline page (interactions_timeline) and its open complaints
// (complaints_contact).

export interface Contact360 {
  contact: Contact & { company: { id: string; name: string } | null };
  figures: OrderFigures;
  timeline: { items: TimelineItem[]; nextCursor: string | null };
  complaintsOpen: number;
}

export const TIMELINE_FIRST_PAGE = 20;

export async function contact360(db: Executor, workspaceId: string, id: string): Promise<Contact360> {
  const contact = toContact(await loadContact(db, workspaceId, id));
  const [company, figures, timeline, complaints] = await Promise.all([
    contact.companyId
      ? db
          .selectFrom('contacts')
          .select(['id', 'name'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', contact.companyId)
          .where('merged_into', 'is', null)
          .where('deleted_at', 'is', null)
          .executeTakeFirst()
      : Promise.resolve(undefined),
    getOrderFigures(db, workspaceId, id),
    listTimeline(db, workspaceId, id, { limit: TIMELINE_FIRST_PAGE }),
    db
      .selectFrom('complaints')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow(),
  ]);
  return {
    contact: { ...contact, company: company ?? null },
    figures,
    timeline,
    complaintsOpen: Number(complaints.n),
  };
}
