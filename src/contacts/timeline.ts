import type { Executor } from '../platform/http.ts';

export interface NewInteraction {
  workspaceId: string;
  contactId: string;
  channel: string;
  type: string;
  direction?: 'inbound' | 'outbound' | 'internal';
  occurredAt?: Date;
  summary?: string;
  body?: string | null;
  ref?: { type: string; id: string } | null;
  authorUserId?: string | null;
  linked?: Array<{ type: string; id: string }>;
}

/** Every capability writes what happened with a customer here: one timeline over all channels. */
export async function appendInteraction(db: Executor, i: NewInteraction): Promise<{ id: string }> {
  return db
    .insertInto('interactions')
    .values({
      workspace_id: i.workspaceId,
      contact_id: i.contactId,
      channel: i.channel,
      type: i.type,
      direction: i.direction ?? 'internal',
      occurred_at: i.occurredAt ?? new Date(),
      summary: i.summary ?? '',
      body: i.body ?? null,
      ref_type: i.ref?.type ?? null,
      ref_id: i.ref?.id ?? null,
      author_user_id: i.authorUserId ?? null,
      linked: JSON.stringify(i.linked ?? []),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}
