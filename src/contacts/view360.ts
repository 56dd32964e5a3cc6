import { sql } from 'kysely';
import { ORDER_FIGURE_COLUMNS, orderFiguresOf, type OrderFigures, type OrderFiguresRow } from '../orders/figures.ts';
import { executePrepared } from '../platform/db.ts';
import { NotFound } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import { CONTACT_COLUMNS, loadContact, toContact, type Contact, type ContactRow } from './records.ts';
import { listTimeline, type TimelineItem } from './timeline.ts';

// The 360° view: one contact with everything an agent needs on one screen. It is read on every
// screen open and is the read API's benchmark (bench/read-api.ts), so it costs two statements:
// 1. (a prepared statement: its generic plan is the custom one, and planning it cost four times
//    its execution) the contact by primary key, joined in the same statement to its company (primary key), its
//    order figures (contact_order_stats: one row kept current on every order write) and the
//    favourite product, with the count of open complaints (complaints_contact) and the ids of the
//    records merged into it (contacts_merged_into) as scalar subqueries;
// 2. the first timeline page (listTimeline), given those merged ids so it need not look them up.
// Each statement is a round trip and, under load, CPU in both Node and PostgreSQL that dwarfs
// these index lookups: the five to six separate queries this replaced cost twice as much per view.

export interface Contact360 {
  contact: Contact & { company: { id: string; name: string } | null };
  figures: OrderFigures;
  timeline: { items: TimelineItem[]; nextCursor: string | null };
  complaintsOpen: number;
}

export const TIMELINE_FIRST_PAGE = 20;

type Row = ContactRow &
  OrderFiguresRow & {
    merged_into: string | null;
    deleted_at: Date | null;
    company_ref: string | null;
    company_name: string | null;
    complaints_open: string | number;
    merged_from: string[];
  };

export async function contact360(db: Executor, workspaceId: string, id: string): Promise<Contact360> {
  const [row] = (await executePrepared(
    db,
    db
      .selectFrom('contacts as c')
      .innerJoin('workspaces as w', 'w.id', 'c.workspace_id')
      .leftJoin('contacts as co', (j) =>
        j
          .onRef('co.workspace_id', '=', 'c.workspace_id')
          .onRef('co.id', '=', 'c.company_id')
          .on('co.merged_into', 'is', null)
          .on('co.deleted_at', 'is', null),
      )
      .leftJoin('contact_order_stats as s', (j) => j.onRef('s.workspace_id', '=', 'c.workspace_id').onRef('s.contact_id', '=', 'c.id'))
      .leftJoin('products as p', (j) => j.onRef('p.id', '=', 's.favourite_product_id').onRef('p.workspace_id', '=', 'c.workspace_id'))
      .select([
        ...CONTACT_COLUMNS,
        'c.merged_into',
        'c.deleted_at',
        'co.id as company_ref',
        'co.name as company_name',
        ...ORDER_FIGURE_COLUMNS,
        sql<string>`(select count(*) from complaints x
          where x.workspace_id = c.workspace_id and x.contact_id = c.id and x.status = 'open')`.as('complaints_open'),
        sql<string[]>`array(select m.id::text from contacts m where m.workspace_id = c.workspace_id and m.merged_into = c.id)`.as('merged_from'),
      ])
      .where('c.workspace_id', '=', workspaceId)
      .where('c.id', '=', id),
  )) as Array<Row | undefined>;
  if (!row || row.deleted_at) throw new NotFound('Contact');
  // Merged away: loadContact answers with the record it went to (MergedAway), as before.
  if (row.merged_into) await loadContact(db, workspaceId, id);
  const timeline = await listTimeline(db, workspaceId, id, { limit: TIMELINE_FIRST_PAGE }, row.merged_from);
  return {
    contact: { ...toContact(row), company: row.company_ref ? { id: row.company_ref, name: row.company_name! } : null },
    figures: orderFiguresOf(row),
    timeline,
    complaintsOpen: Number(row.complaints_open),
  };
}
