import { appendInteraction } from '../contacts/timeline.ts';
import type { Executor } from '../platform/http.ts';

// Every orders write lands on the customer's timeline through this one door, so the channel and
// ref conventions stay uniform: channel order|payment|delivery|complaint, ref = the record written.

export type OrdersChannel = 'order' | 'payment' | 'delivery' | 'complaint';

export interface OrdersEntry {
  workspaceId: string;
  contactId: string;
  channel: OrdersChannel;
  type: string;
  summary: string;
  ref: { type: string; id: string };
  direction?: 'inbound' | 'outbound' | 'internal';
  occurredAt?: Date;
  body?: string | null;
  authorUserId?: string | null;
  linked?: Array<{ type: string; id: string }>;
}

/** Summaries are plain text capped for list views; the UI escapes them like every other string. */
export async function recordOnTimeline(db: Executor, e: OrdersEntry): Promise<void> {
  await appendInteraction(db, { ...e, summary: e.summary.length > 300 ? `${e.summary.slice(0, 299)}…` : e.summary });
}

/** How people refer to an order: the shop's number when there is one. */
export function orderLabel(o: { id: string; external_id: string | null }): string {
  return o.external_id ? `#${o.external_id}` : o.id.slice(0, 8);
}
