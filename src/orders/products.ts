import { sql, type Selectable } from 'kysely';
import type { z } from 'zod';
import type { Executor } from '../platform/http.ts';
import { decodeCursor, encodeCursor } from '../platform/http.ts';
import { Conflict, NotFound, ValidationError } from '../platform/errors.ts';
import type { OrdersTables } from './tables.ts';
import { iso, toNumber, type Page } from './common.ts';
import type { createProductBody, listProductsQuery, updateProductBody } from './schema.ts';

type ProductRow = Selectable<OrdersTables['products']>;

export interface Product {
  id: string;
  sku: string;
  name: string;
  category: string | null;
  priceMinor: number;
  currency: string;
  stock: number | null;
  createdAt: string;
  updatedAt: string;
}

export function productOut(r: ProductRow): Product {
  return {
    id: r.id,
    sku: r.sku,
    name: r.name,
    category: r.category,
    priceMinor: toNumber(r.price_minor),
    currency: r.currency,
    stock: r.stock,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

async function assertSkuFree(db: Executor, workspaceId: string, sku: string, exceptId?: string): Promise<void> {
  let q = db.selectFrom('products').select('id').where('workspace_id', '=', workspaceId).where('sku', '=', sku);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new Conflict(`A product with SKU ${sku} already exists`, { sku: ['Already used by another product'] });
}

export async function createProduct(db: Executor, workspaceId: string, input: z.infer<typeof createProductBody>): Promise<Product> {
  await assertSkuFree(db, workspaceId, input.sku);
  const row = await db
    .insertInto('products')
    .values({
      workspace_id: workspaceId,
      sku: input.sku,
      name: input.name,
      category: input.category ?? null,
      price_minor: input.priceMinor,
      currency: input.currency,
      stock: input.stock ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return productOut(row);
}

export async function getProduct(db: Executor, workspaceId: string, id: string): Promise<Product> {
  const row = await db.selectFrom('products').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Product');
  return productOut(row);
}

export async function updateProduct(
  db: Executor,
  workspaceId: string,
  id: string,
  patch: z.infer<typeof updateProductBody>,
): Promise<{ before: Product; after: Product }> {
  const current = await db
    .selectFrom('products')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw new NotFound('Product');
  if (patch.sku !== undefined && patch.sku !== current.sku) await assertSkuFree(db, workspaceId, patch.sku, id);
  const row = await db
    .updateTable('products')
    .set({
      ...(patch.sku !== undefined ? { sku: patch.sku } : {}),
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.category !== undefined ? { category: patch.category } : {}),
      ...(patch.priceMinor !== undefined ? { price_minor: patch.priceMinor } : {}),
      ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
      ...(patch.stock !== undefined ? { stock: patch.stock } : {}),
      updated_at: sql`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { before: productOut(current), after: productOut(row) };
}

/** Catalogue in SKU order, keyset on sku (unique per workspace). */
export async function listProducts(db: Executor, workspaceId: string, q: z.infer<typeof listProductsQuery>): Promise<Page<Product>> {
  const after = decodeCursor(q.cursor, 1);
  if (after && typeof after[0] !== 'string') throw ValidationError.field('query.cursor', 'Invalid cursor');
  let query = db.selectFrom('products').selectAll().where('workspace_id', '=', workspaceId);
  if (q.category !== undefined) query = query.where('category', '=', q.category);
  if (after) query = query.where('sku', '>', after[0] as string);
  const rows = await query.orderBy('sku').limit(q.limit + 1).execute();
  const items = rows.slice(0, q.limit).map(productOut);
  const nextCursor = rows.length > q.limit ? encodeCursor([items[items.length - 1]!.sku]) : null;
  return { items, nextCursor };
}
