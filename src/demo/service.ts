import { sql } from 'kysely';
import type { Engine } from '../platform/db.ts';
import { Conflict, NotFound, ValidationError } from '../platform/errors.ts';
import { recomputeOrderFiguresForWorkspace } from '../orders/figures.ts';
import { buildCatalogue } from './catalogue.ts';
import { analyze, CopyBuffer, withBulkSession, type BulkSession } from './copy.ts';
import { customerHistory, type CustomerHistory } from './history.ts';
import { makeCompany, makePerson, Uniques, type CompanyRef, type DemoContact, type PeopleContext } from './people.ts';
import { hashSeed, Rng } from './random.ts';
import type { LanguageCode } from './names.ts';

export interface DemoOptions {
  workspaceId: string;
  customers: number;
  seed?: number;
  /** The day the two years of history end; defaults to now. */
  now?: Date;
  /** Customers per COPY batch; ~2k customers is ~10k order lines and interactions. */
  batchSize?: number;
  onProgress?: (p: { stage: 'customers' | 'analyze' | 'figures'; done: number; total: number }) => void;
}

export interface DemoSummary {
  customers: number;
  companies: number;
  people: number;
  products: number;
  orders: number;
  orderLines: number;
  payments: number;
  deliveries: number;
  complaints: number;
  interactions: number;
  identities: number;
  slowing: number;
}

export const MAX_DEMO_CUSTOMERS = 5_000_000;

function buffers() {
  return {
    contacts: new CopyBuffer('contacts', ['id', 'workspace_id', 'kind', 'first_name', 'last_name', 'name', 'company_id', 'emails', 'phones', 'external_ids', 'locale', 'time_zone', 'birthday', 'owner_id', 'source', 'tags', 'created_at', 'updated_at']),
    identities: new CopyBuffer('contact_identities', ['workspace_id', 'kind', 'value', 'contact_id']),
    orders: new CopyBuffer('orders', ['id', 'workspace_id', 'contact_id', 'external_id', 'status', 'currency', 'total_minor', 'ordered_at', 'created_at', 'updated_at']),
    lines: new CopyBuffer('order_lines', ['id', 'workspace_id', 'order_id', 'product_id', 'sku', 'name', 'quantity', 'unit_price_minor', 'line_total_minor']),
    payments: new CopyBuffer('payments', ['id', 'workspace_id', 'contact_id', 'order_id', 'amount_minor', 'currency', 'method', 'paid_at', 'created_at']),
    deliveries: new CopyBuffer('deliveries', ['id', 'workspace_id', 'order_id', 'status', 'carrier', 'tracking_code', 'problem', 'shipped_at', 'delivered_at', 'created_at', 'updated_at']),
    complaints: new CopyBuffer('complaints', ['id', 'workspace_id', 'contact_id', 'order_id', 'subject', 'status', 'created_at', 'resolved_at']),
    interactions: new CopyBuffer('interactions', ['workspace_id', 'contact_id', 'channel', 'type', 'direction', 'occurred_at', 'summary', 'body', 'ref_type', 'ref_id', 'author_user_id', 'linked', 'created_at']),
  };
}
type Buffers = ReturnType<typeof buffers>;

const ts = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function encode(b: Buffers, ws: string, currency: string, c: DemoContact, h: CustomerHistory, s: DemoSummary): void {
  const created = ts(c.createdAt);
  b.contacts.add([
    c.id, ws, c.kind, c.firstName, c.lastName, c.name, c.companyId, [c.email], c.phone ? [c.phone] : [],
    c.externalId ? [c.externalId] : [], c.locale, c.timeZone, c.birthday, c.ownerId, c.source, c.tags, created, created,
  ]);
  b.identities.add([ws, 'email', c.email, c.id]);
  if (c.phone) b.identities.add([ws, 'phone', c.phone, c.id]);
  if (c.externalId) b.identities.add([ws, 'external', c.externalId, c.id]);
  s.identities += 1 + (c.phone ? 1 : 0) + (c.externalId ? 1 : 0);
  for (const o of h.orders) {
    const at = ts(o.orderedAt);
    b.orders.add([o.id, ws, c.id, o.externalId, o.status, currency, o.totalMinor, at, at, at]);
    for (const l of o.lines) {
      b.lines.add([l.id, ws, o.id, l.product.id, l.product.sku, l.product.name, l.quantity, l.unitPriceMinor, l.quantity * l.unitPriceMinor]);
    }
    s.orderLines += o.lines.length;
  }
  for (const p of h.payments) {
    const at = ts(p.paidAt);
    b.payments.add([p.id, ws, c.id, p.orderId, p.amountMinor, currency, p.method, at, at]);
  }
  for (const d of h.deliveries) {
    const at = ts(d.createdAt);
    b.deliveries.add([d.id, ws, d.orderId, d.status, d.carrier, d.trackingCode, d.problem, ts(d.shippedAt), ts(d.deliveredAt), at, ts(d.deliveredAt ?? d.shippedAt ?? d.createdAt)]);
  }
  for (const cm of h.complaints) {
    b.complaints.add([cm.id, ws, c.id, cm.orderId, cm.subject, cm.status, ts(cm.createdAt), ts(cm.resolvedAt)]);
  }
  for (const i of h.interactions) {
    const at = ts(i.occurredAt);
    b.interactions.add([ws, c.id, i.channel, i.type, i.direction, at, i.summary, i.body, i.refType, i.refId, i.authorUserId, i.linkedOrderId ? `[{"type":"order","id":"${i.linkedOrderId}"}]` : '[]', at]);
  }
  s.orders += h.orders.length;
  s.payments += h.payments.length;
  s.deliveries += h.deliveries.length;
  s.complaints += h.complaints.length;
  s.interactions += h.interactions.length;
  if (h.slowing) s.slowing++;
}

/** Writes a batch in foreign-key order. The batches are taken at once, before any await. */
function flush(session: BulkSession, b: Buffers): Promise<void> {
  const batches = [b.contacts, b.identities, b.orders, b.lines, b.payments, b.deliveries, b.complaints, b.interactions].map((x) => x.take());
  return (async () => {
    for (const batch of batches) await session.copy(batch);
  })();
}

/** Tables where the rows just written are at least a third of what the planner believes is there. */
async function staleTables(engine: Engine, written: Record<string, number>): Promise<string[]> {
  const r = await sql<{ relname: string; reltuples: number }>`
    select relname, reltuples::float8 as reltuples from pg_class
    where relkind = 'r' and relnamespace = current_schema()::regnamespace and relname in (${sql.join(Object.keys(written))})`.execute(engine.db);
  return r.rows.filter((t) => Number(t.reltuples) < 2 * (written[t.relname] ?? 0)).map((t) => t.relname);
}

/**
 * Fills an empty workspace with realistic customers and two years of trade. Everything is written
 * in one transaction with COPY, then the order figures are recomputed set-based.
 */
export async function generateDemo(engine: Engine, opts: DemoOptions): Promise<DemoSummary> {
  const { workspaceId } = opts;
  const total = opts.customers;
  if (!Number.isInteger(total) || total < 1 || total > MAX_DEMO_CUSTOMERS) {
    throw ValidationError.field('customers', `customers must be a whole number from 1 to ${MAX_DEMO_CUSTOMERS}`);
  }
  const seed = opts.seed ?? 1;
  const now = (opts.now ?? new Date()).getTime();
  const batchSize = opts.batchSize ?? 2000;

  const ws = await engine.db.selectFrom('workspaces').select(['id', 'currency']).where('id', '=', workspaceId).executeTakeFirst();
  if (!ws) throw new NotFound('Workspace');
  const existing = await sql<{ n: number }>`
    select (select count(*) from contacts where workspace_id = ${workspaceId})::int
         + (select count(*) from products where workspace_id = ${workspaceId})::int as n`.execute(engine.db);
  if (Number(existing.rows[0]?.n ?? 0) > 0) {
    throw new Conflict('The workspace already has contacts or products; demo data goes into an empty workspace');
  }
  const users = await engine.db.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
  const userIds = users.map((u) => u.id);

  const rng = new Rng(hashSeed('rapport-demo', seed));
  // Ids come from their own stream so the content of a seed is the same in every workspace.
  const idRng = new Rng(hashSeed('rapport-demo-ids', seed, workspaceId));
  const catalogue = buildCatalogue(rng, idRng);
  let orderNo = 100_000;
  const companiesByLang = new Map<LanguageCode, CompanyRef[]>();
  const peopleCtx: PeopleContext = { rng, idRng, uniques: new Uniques(), now, userIds, companiesByLang };
  const historyCtx = { rng, idRng, now, catalogue, currency: ws.currency, userIds, nextOrderNo: () => ++orderNo };
  const nCompanies = Math.round(total / 10);
  const summary: DemoSummary = {
    customers: total, companies: nCompanies, people: total - nCompanies, products: catalogue.products.length,
    orders: 0, orderLines: 0, payments: 0, deliveries: 0, complaints: 0, interactions: 0, identities: 0, slowing: 0,
  };

  await withBulkSession(engine, async (session) => {
    const products = new CopyBuffer('products', ['id', 'workspace_id', 'sku', 'name', 'category', 'price_minor', 'currency', 'stock']);
    for (const p of catalogue.products) products.add([p.id, workspaceId, p.sku, p.name, p.category, p.priceMinor, ws.currency, p.stock]);
    await session.copy(products.take());

    const b = buffers();
    let pending: Promise<void> = Promise.resolve();
    let written = 0;
    for (let i = 0; i < total; i++) {
      let contact: DemoContact;
      if (i < nCompanies) {
        const company = makeCompany(peopleCtx);
        const list = companiesByLang.get(company.locale) ?? [];
        list.push({ id: company.id, domain: company.domain });
        companiesByLang.set(company.locale, list);
        contact = company;
      } else {
        contact = makePerson(peopleCtx);
      }
      const history = customerHistory(historyCtx, contact, contact.locale);
      encode(b, workspaceId, ws.currency, contact, history, summary);
      // Let the event loop move the previous batch's COPY along while this one is generated.
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
      // Companies are flushed before the first person so that company_id always points to a written row.
      if ((i + 1) % batchSize === 0 || i + 1 === total || i + 1 === nCompanies) {
        await pending;
        // Generating the next batch overlaps with the server writing this one (PostgreSQL).
        const done = i + 1;
        pending = flush(session, b).then(() => {
          written = done;
          opts.onProgress?.({ stage: 'customers', done: written, total });
        });
      }
    }
    await pending;
  });

  // The planner's statistics are stale after a bulk load until autovacuum catches up. Only tables
  // this load changed materially are analysed: ANALYZE samples random pages, which on a big shared
  // table costs more than it helps (15–20 s for a 10M-row timeline on a busy server).
  opts.onProgress?.({ stage: 'analyze', done: 0, total: 1 });
  const written: Record<string, number> = {
    contacts: total, contact_identities: summary.identities, contact_tags: total, products: summary.products, orders: summary.orders,
    order_lines: summary.orderLines, payments: summary.payments, deliveries: summary.deliveries, complaints: summary.complaints, interactions: summary.interactions,
  };
  const stale = await staleTables(engine, written);
  if (stale.length) await analyze(engine, stale);
  opts.onProgress?.({ stage: 'figures', done: 0, total: 1 });
  try {
    await recomputeOrderFiguresForWorkspace(engine.db, workspaceId);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Demo data was written, but the order figures could not be computed: ${reason}`);
  }
  opts.onProgress?.({ stage: 'figures', done: 1, total: 1 });
  return summary;
}
