import { sql, type Selectable } from 'kysely';
import type { AuthContext, Executor } from '../platform/http.ts';
import { NotFound, ValidationError } from '../platform/errors.ts';
import type { OrdersTables } from './tables.ts';
import { cursorTime, iso, readTimeCursor, resolveContact, timeCursor, workspaceSettings, type Page } from './common.ts';
import { orderLabel, recordOnTimeline } from './timeline-entry.ts';

type ComplaintRow = Selectable<OrdersTables['complaints']>;
type ComplaintStatus = ComplaintRow['status'];

export interface Complaint {
  id: string;
  contactId: string;
  orderId: string | null;
  subject: string;
  body: string | null;
  status: ComplaintStatus;
  createdAt: string;
  resolvedAt: string | null;
}

export function complaintOut(r: ComplaintRow): Complaint {
  return {
    id: r.id,
    contactId: r.contact_id,
    orderId: r.order_id,
    subject: r.subject,
    body: r.body,
    status: r.status,
    createdAt: iso(r.created_at)!,
    resolvedAt: iso(r.resolved_at),
  };
}

export async function createComplaint(
  db: Executor,
  auth: AuthContext,
  input: { contactId: string; orderId?: string; subject: string; body?: string },
): Promise<Complaint> {
  const ws = auth.workspaceId;
  const contactId = await resolveContact(db, ws, { contactId: input.contactId }, await workspaceSettings(db, ws));
  let order: { id: string; contact_id: string; external_id: string | null } | undefined;
  if (input.orderId) {
    order = await db
      .selectFrom('orders')
      .select(['id', 'contact_id', 'external_id'])
      .where('workspace_id', '=', ws)
      .where('id', '=', input.orderId)
      .executeTakeFirst();
    if (!order) throw new NotFound('Order');
    if (order.contact_id !== contactId) throw ValidationError.field('orderId', 'The order belongs to another customer');
  }
  const row = await db
    .insertInto('complaints')
    .values({ workspace_id: ws, contact_id: contactId, order_id: order?.id ?? null, subject: input.subject, body: input.body ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordOnTimeline(db, {
    workspaceId: ws,
    contactId,
    channel: 'complaint',
    type: 'complaint.opened',
    direction: 'inbound',
    summary: `Complaint${order ? ` about order ${orderLabel(order)}` : ''}: ${input.subject}`,
    body: input.body ?? null,
    ref: { type: 'complaint', id: row.id },
    linked: order ? [{ type: 'order', id: order.id }] : [],
    authorUserId: auth.userId,
  });
  return complaintOut(row);
}

export async function listComplaints(
  db: Executor,
  workspaceId: string,
  q: { contactId?: string; status?: ComplaintStatus; cursor?: string; limit: number },
): Promise<Page<Complaint>> {
  const after = readTimeCursor(q.cursor);
  let query = db.selectFrom('complaints').selectAll().select(cursorTime('created_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (q.contactId) query = query.where('contact_id', '=', q.contactId);
  if (q.status) query = query.where('status', '=', q.status);
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(complaintOut), nextCursor: rows.length > q.limit && last ? timeCursor(last.cursor_at, last.id) : null };
}

export async function getComplaint(db: Executor, workspaceId: string, id: string): Promise<Complaint> {
  const row = await db.selectFrom('complaints').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Complaint');
  return complaintOut(row);
}

/** Any status may follow any other: a resolved complaint can be reopened when the customer writes back. */
export async function updateComplaintStatus(
  db: Executor,
  auth: AuthContext,
  id: string,
  status: ComplaintStatus,
): Promise<{ before: Complaint; after: Complaint }> {
  const ws = auth.workspaceId;
  const current = await db.selectFrom('complaints').selectAll().where('workspace_id', '=', ws).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw new NotFound('Complaint');
  if (current.status === status) return { before: complaintOut(current), after: complaintOut(current) };
  const row = await db
    .updateTable('complaints')
    .set({ status, resolved_at: status === 'open' ? null : sql`now()` })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const verb = status === 'open' ? 'reopened' : status;
  await recordOnTimeline(db, {
    workspaceId: ws,
    contactId: current.contact_id,
    channel: 'complaint',
    type: `complaint.${verb}`,
    summary: `Complaint ${verb}: ${current.subject}`,
    ref: { type: 'complaint', id },
    authorUserId: auth.userId,
  });
  return { before: complaintOut(current), after: complaintOut(row) };
}
