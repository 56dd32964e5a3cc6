import type { Executor } from '../platform/http.ts';
import { ValidationError, type FieldErrors } from '../platform/errors.ts';
import { toNumber } from './common.ts';
import { MAX_ORDER_TOTAL_MINOR, type CreateOrderInput } from './schema.ts';

export interface ResolvedLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
}

/**
 * Turns the client's lines into priced lines from the catalogue. Totals are computed here, with
 * BigInt, never taken from the client: a shop cannot send a total that disagrees with its lines.
 * A line priced from the catalogue must be in the order's currency; otherwise the client has to
 * give unitPriceMinor, because we hold no exchange rates.
 */
export async function resolveLines(
  db: Executor,
  workspaceId: string,
  lines: CreateOrderInput['lines'],
  orderCurrency: string,
): Promise<{ lines: ResolvedLine[]; totalMinor: number }> {
  const ids = [...new Set(lines.flatMap((l) => (l.productId ? [l.productId] : [])))];
  const skus = [...new Set(lines.flatMap((l) => (l.sku && !l.productId ? [l.sku] : [])))];
  let query = db.selectFrom('products').select(['id', 'sku', 'name', 'price_minor', 'currency']).where('workspace_id', '=', workspaceId);
  query = query.where((eb) =>
    eb.or([...(ids.length ? [eb('id', 'in', ids)] : []), ...(skus.length ? [eb('sku', 'in', skus)] : [])]),
  );
  const products = await query.execute();
  const byId = new Map(products.map((p) => [p.id, p]));
  const bySku = new Map(products.map((p) => [p.sku, p]));

  const errors: FieldErrors = {};
  const fail = (path: string, msg: string) => (errors[path] ??= []).push(msg);
  const out: ResolvedLine[] = [];
  let total = 0n;
  lines.forEach((l, i) => {
    const product = l.productId ? byId.get(l.productId) : bySku.get(l.sku!);
    if (!product) {
      if (l.productId) fail(`lines.${i}.productId`, 'Unknown product');
      else fail(`lines.${i}.sku`, `Unknown SKU: ${l.sku}`);
      return;
    }
    if (l.productId && l.sku !== undefined && l.sku !== product.sku) {
      fail(`lines.${i}.sku`, `Does not match the product's SKU ${product.sku}`);
      return;
    }
    let unit = l.unitPriceMinor;
    if (unit === undefined) {
      if (product.currency !== orderCurrency) {
        fail(`lines.${i}.unitPriceMinor`, `The product is priced in ${product.currency}; give a price in ${orderCurrency}`);
        return;
      }
      unit = toNumber(product.price_minor);
    }
    const lineTotal = BigInt(l.quantity) * BigInt(unit);
    total += lineTotal;
    out.push({
      productId: product.id,
      sku: product.sku,
      name: l.name ?? product.name,
      quantity: l.quantity,
      unitPriceMinor: unit,
      lineTotalMinor: Number(lineTotal),
    });
  });
  if (Object.keys(errors).length) throw new ValidationError('Some order lines are invalid', errors);
  if (total > BigInt(MAX_ORDER_TOTAL_MINOR)) {
    throw ValidationError.field('lines', `The order total exceeds the maximum of ${MAX_ORDER_TOTAL_MINOR} minor units`);
  }
  return { lines: out, totalMinor: Number(total) };
}
