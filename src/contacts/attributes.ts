import { sql } from 'kysely';
import { Conflict, NotFound, ValidationError } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import type { AttributeBody, AttributePatch } from './schema.ts';
import type { Actor } from './service.ts';

// Custom attribute definitions: a contact may only carry attributes defined here, and each value
// is checked against its type (normalize.ts checkAttribute, shared with the importer).

export interface AttributeDef {
  key: string;
  label: string;
  type: string;
  choices: string[] | null;
  appliesTo: string;
  createdAt: string;
}

const COLUMNS = ['key', 'label', 'type', 'choices', 'applies_to', 'created_at'] as const;

function toDef(r: { key: string; label: string; type: string; choices: string[] | null; applies_to: string; created_at: Date }): AttributeDef {
  return { key: r.key, label: r.label, type: r.type, choices: r.choices, appliesTo: r.applies_to, createdAt: new Date(r.created_at).toISOString() };
}

export async function listAttributes(db: Executor, workspaceId: string): Promise<AttributeDef[]> {
  const rows = await db.selectFrom('attribute_definitions').select(COLUMNS).where('workspace_id', '=', workspaceId).orderBy('key').execute();
  return rows.map(toDef);
}

async function load(db: Executor, workspaceId: string, key: string, forUpdate = false) {
  let q = db.selectFrom('attribute_definitions').select(COLUMNS).where('workspace_id', '=', workspaceId).where('key', '=', key);
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) throw new NotFound('Attribute');
  return r;
}

export async function createAttribute(db: Executor, actor: Actor, body: AttributeBody): Promise<AttributeDef> {
  const row = await db
    .insertInto('attribute_definitions')
    .values({
      workspace_id: actor.workspaceId,
      key: body.key,
      label: body.label,
      type: body.type,
      choices: body.type === 'choice' ? [...new Set(body.choices!)] : null,
      applies_to: body.appliesTo,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'key']).doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!row) throw new Conflict(`An attribute named ${body.key} already exists`, { key: ['Already defined'] });
  const after = toDef(row);
  await actor.audit({ action: 'attribute.create', entity: 'attribute', entityId: body.key, after });
  return after;
}

/** Label changes and new choices only: changing a type or removing a choice would strand stored values. */
export async function updateAttribute(db: Executor, actor: Actor, key: string, patch: AttributePatch): Promise<AttributeDef> {
  const before = toDef(await load(db, actor.workspaceId, key, true));
  const set: { label?: string; choices?: string[] } = {};
  if (patch.label !== undefined) set.label = patch.label;
  if (patch.addChoices) {
    if (before.type !== 'choice') throw ValidationError.field('addChoices', 'Only a choice attribute has choices');
    set.choices = [...new Set([...(before.choices ?? []), ...patch.addChoices])];
    if (set.choices.length > 200) throw ValidationError.field('addChoices', 'At most 200 choices in all');
  }
  const row = await db
    .updateTable('attribute_definitions')
    .set(set)
    .where('workspace_id', '=', actor.workspaceId)
    .where('key', '=', key)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  const after = toDef(row);
  await actor.audit({ action: 'attribute.update', entity: 'attribute', entityId: key, before, after });
  return after;
}

/**
 * Removes the definition and its values from every contact, so that a later attribute of the same
 * key never meets stale values of another type. A rare admin action: it scans the workspace.
 */
export async function deleteAttribute(db: Executor, actor: Actor, key: string): Promise<void> {
  const before = toDef(await load(db, actor.workspaceId, key, true));
  await db
    .updateTable('contacts')
    .set({ attributes: sql`attributes - ${key}::text`, updated_at: sql`now()` } as never)
    .where('workspace_id', '=', actor.workspaceId)
    .where(sql<boolean>`attributes ? ${key}::text`)
    .execute();
  await db.deleteFrom('attribute_definitions').where('workspace_id', '=', actor.workspaceId).where('key', '=', key).execute();
  await actor.audit({ action: 'attribute.delete', entity: 'attribute', entityId: key, before });
}
