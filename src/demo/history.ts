import type { Catalogue, Product } from './catalogue.ts';
import type { LanguageCode } from './names.ts';
import type { DemoContact } from './people.ts';
import { cumulative, type Rng } from './random.ts';
import { complaintSubject, deliveryProblem, carrierFor, otherActivity, money, type DemoInteraction } from './texts.ts';

// One customer's two years of orders, payments, deliveries, complaints and timeline.
// Pure: everything comes from the generators passed in, so a seed reproduces the data.

export const DAY = 86_400_000;
export const WINDOW_DAYS = 730;

/** Demand by month (Jan..Dec): a Christmas peak and a summer dip. */
export const SEASON = [0.9, 0.85, 0.95, 1.0, 1.05, 0.75, 0.6, 0.7, 1.0, 1.05, 1.6, 2.0];
const SEASON_MAX = 2.0;

export interface DemoLine {
  id: string;
  product: Product;
  quantity: number;
  unitPriceMinor: number;
}

export type DemoOrderStatus = 'inquiry' | 'ordered' | 'delivered' | 'paid' | 'returned' | 'cancelled';

export interface DemoOrder {
  id: string;
  externalId: string;
  status: DemoOrderStatus;
  orderedAt: number;
  totalMinor: number;
  lines: DemoLine[];
}

export interface DemoPayment {
  id: string;
  orderId: string;
  amountMinor: number;
  method: string;
  paidAt: number;
}

export interface DemoDelivery {
  id: string;
  orderId: string;
  status: 'pending' | 'shipped' | 'delivered' | 'failed' | 'returned';
  carrier: string;
  trackingCode: string;
  problem: string | null;
  shippedAt: number | null;
  deliveredAt: number | null;
  createdAt: number;
}

export interface DemoComplaint {
  id: string;
  orderId: string;
  subject: string;
  status: 'open' | 'resolved' | 'rejected';
  createdAt: number;
  resolvedAt: number | null;
}

export interface CustomerHistory {
  slowing: boolean;
  orders: DemoOrder[];
  payments: DemoPayment[];
  deliveries: DemoDelivery[];
  complaints: DemoComplaint[];
  interactions: DemoInteraction[];
}

export interface HistoryContext {
  rng: Rng;
  idRng: Rng;
  now: number;
  catalogue: Catalogue;
  currency: string;
  userIds: string[];
  nextOrderNo(): number;
}

const PREFERRED_WEIGHTS = cumulative([5, 3, 2, 1.5]);

function pickProduct(ctx: HistoryContext, preferred: Product[], month: number): Product {
  const { rng, catalogue } = ctx;
  // Most lines come from the customer's own favourites, so "favourite product" means something.
  if (rng.chance(0.7)) return preferred[rng.pickCumulative(PREFERRED_WEIGHTS.slice(0, preferred.length))]!;
  return catalogue.products[rng.pickCumulative(catalogue.byMonth[month]!)]!;
}

/** Order times of a non-homogeneous Poisson process (thinning) with the seasonal demand curve. */
function orderTimes(rng: Rng, from: number, to: number, perYear: number): number[] {
  const times: number[] = [];
  const meanGap = (365 * DAY) / (perYear * SEASON_MAX);
  for (let t = from + rng.exponential(meanGap); t < to; t += rng.exponential(meanGap)) {
    if (rng.next() * SEASON_MAX < SEASON[new Date(t).getUTCMonth()]!) times.push(t);
  }
  return times;
}

interface Plan {
  at: number;
  /** 1 for a normal order; falls towards 0 over a slowing customer's last orders. */
  scale: number;
}

function planOrders(ctx: HistoryContext, c: DemoContact, slowing: boolean): Plan[] {
  const { rng, now } = ctx;
  const windowStart = now - WINDOW_DAYS * DAY;
  const start = Math.max(c.createdAt, windowStart);
  const b2b = c.kind === 'company' ? 2.5 : 1;
  if (!slowing) {
    const perYear = Math.min(40, Math.max(0.3, Math.exp(Math.log(1.6) + 0.8 * rng.normal()) * b2b));
    const times = orderTimes(rng, start, now, perYear);
    // Everyone who buys at all has at least one order, shortly after becoming a customer.
    if (times.length === 0) times.push(Math.min(now - DAY / 24, start + rng.next() * 30 * DAY));
    return times.map((at) => ({ at, scale: 1 }));
  }
  // Slowing down: a regular customer on a steady rhythm, then gaps growing ×1.5 each time and
  // values falling. The rhythm is steady so the change stands out from ordinary variation.
  const perYear = (8 + rng.next() * 4) * b2b;
  const meanGap = (365 * DAY) / perYear;
  const growth = 1.5;
  let tail = 0;
  for (let i = 1; i <= 3; i++) tail += meanGap * Math.pow(growth, i);
  const turn = now - tail - meanGap * Math.pow(growth, 4) * (0.4 + 0.3 * rng.next());
  const plans: Plan[] = [];
  for (let t = windowStart + rng.next() * meanGap; t < turn; t += meanGap * (0.75 + 0.5 * rng.next())) plans.push({ at: t, scale: 1 });
  let t = plans.length ? plans[plans.length - 1]!.at : turn;
  for (let i = 1; i <= 3; i++) {
    t += meanGap * Math.pow(growth, i) * (0.9 + 0.2 * rng.next());
    if (t >= now) break;
    plans.push({ at: t, scale: Math.pow(0.6, i) });
  }
  return plans;
}

function makeLines(ctx: HistoryContext, c: DemoContact, preferred: Product[], plan: Plan): DemoLine[] {
  const { rng } = ctx;
  const month = new Date(plan.at).getUTCMonth();
  const lines: DemoLine[] = [];
  if (plan.scale < 1) {
    // A slowing customer's late orders: one cheap line from what they always bought.
    const cheapest = preferred.reduce((a, b) => (b.priceMinor < a.priceMinor ? b : a));
    const p = plan.scale > 0.5 ? pickProduct(ctx, preferred, month) : cheapest;
    const product = p.priceMinor > cheapest.priceMinor * 3 ? cheapest : p;
    return [{ id: ctx.idRng.uuid(), product, quantity: 1, unitPriceMinor: product.priceMinor }];
  }
  let n = 1;
  while (n < 6 && rng.chance(c.kind === 'company' ? 0.65 : 0.45)) n++;
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    const product = pickProduct(ctx, preferred, month);
    if (used.has(product.id)) continue;
    used.add(product.id);
    const quantity = c.kind === 'company' ? rng.int(2, 12) : rng.chance(0.8) ? 1 : rng.int(2, 3);
    // Occasional campaign discount on the unit price.
    const unit = rng.chance(0.1) ? Math.round(product.priceMinor * 0.8) : product.priceMinor;
    lines.push({ id: ctx.idRng.uuid(), product, quantity, unitPriceMinor: unit });
  }
  return lines;
}

const METHODS: Record<string, string[]> = {
  FI: ['card', 'card', 'invoice', 'mobilepay', 'bank_transfer'],
  NO: ['card', 'card', 'invoice', 'vipps'],
  GB: ['card', 'card', 'card', 'paypal', 'bank_transfer'],
  RU: ['card', 'bank_transfer', 'invoice'],
  IR: ['card', 'bank_transfer'],
};

export function customerHistory(ctx: HistoryContext, c: DemoContact, lang: LanguageCode): CustomerHistory {
  const { rng, idRng, now, catalogue, currency } = ctx;
  const h: CustomerHistory = { slowing: false, orders: [], payments: [], deliveries: [], complaints: [], interactions: [] };
  const buyer = rng.chance(c.kind === 'company' ? 0.95 : 0.88);
  const oldEnough = c.createdAt < now - WINDOW_DAYS * DAY;
  // ~15% of buyers slow down; they need a history to slow down from, so they are long-standing customers.
  h.slowing = buyer && rng.chance(0.15);
  if (h.slowing && !oldEnough) c.createdAt = now - (WINDOW_DAYS + rng.int(1, 400)) * DAY;

  const preferred: Product[] = [];
  const nPreferred = rng.int(2, 4);
  while (preferred.length < nPreferred) {
    const p = catalogue.products[rng.pickCumulative(catalogue.byMonth[rng.int(0, 11)]!)]!;
    if (!preferred.includes(p)) preferred.push(p);
  }

  const methods = METHODS[c.country] ?? ['card'];
  const badPayer = rng.chance(0.06);
  const plans = buyer ? planOrders(ctx, c, h.slowing) : [];
  for (const plan of plans) {
    const lines = makeLines(ctx, c, preferred, plan);
    const total = lines.reduce((s, l) => s + l.quantity * l.unitPriceMinor, 0);
    const ageDays = (now - plan.at) / DAY;
    const order: DemoOrder = {
      id: idRng.uuid(),
      externalId: `R${ctx.nextOrderNo()}`,
      status: 'ordered',
      orderedAt: plan.at,
      totalMinor: total,
      lines,
    };
    const r = rng.next();
    if (r < 0.01) order.status = 'inquiry';
    else if (r < 0.03) order.status = 'cancelled';
    else if (r < 0.045 && ageDays > 14) order.status = 'returned';
    h.orders.push(order);
    const items = lines.reduce((s, l) => s + l.quantity, 0);
    h.interactions.push({
      occurredAt: plan.at, channel: 'order', type: order.status === 'inquiry' ? 'order.inquiry' : 'order.placed', direction: 'inbound',
      summary: `Order ${order.externalId}: ${items} item${items === 1 ? '' : 's'}, ${money(total, currency)}`,
      body: null, refType: 'order', refId: order.id, authorUserId: null, linkedOrderId: null,
    });
    if (order.status === 'inquiry' || order.status === 'cancelled') continue;

    // Payment: most orders are paid, late payers and recent orders less so (receivables).
    const pPaid = badPayer ? 0.5 : ageDays > 60 ? 0.96 : ageDays > 14 ? 0.85 : 0.5;
    if (rng.chance(pPaid)) {
      const method = rng.pick(methods);
      const paidAt = plan.at + (method === 'invoice' || method === 'bank_transfer' ? rng.int(5, 30) * DAY : rng.int(0, 600_000));
      if (paidAt < now) {
        const partial = rng.chance(0.03);
        const amount = partial ? Math.max(1, Math.round(total / 2)) : total;
        const p: DemoPayment = { id: idRng.uuid(), orderId: order.id, amountMinor: amount, method, paidAt };
        h.payments.push(p);
        if (!partial && order.status === 'ordered') order.status = 'paid';
        h.interactions.push({
          occurredAt: paidAt, channel: 'payment', type: 'payment.received', direction: 'inbound',
          summary: `Payment ${money(amount, currency)} (${method.replace('_', ' ')}) for ${order.externalId}`,
          body: null, refType: 'payment', refId: p.id, authorUserId: null, linkedOrderId: order.id,
        });
      }
    }
    if (order.status === 'ordered' && ageDays > 4) order.status = 'delivered';

    if (rng.chance(0.15)) {
      const d = delivery(ctx, c, order, ageDays);
      h.deliveries.push(d);
      if (d.status === 'failed') {
        h.interactions.push({
          occurredAt: d.shippedAt ?? d.createdAt, channel: 'delivery', type: 'delivery.failed', direction: 'internal',
          summary: `Delivery of ${order.externalId} failed: ${d.problem}`, body: null, refType: 'delivery', refId: d.id,
          authorUserId: null, linkedOrderId: order.id,
        });
      }
    }
    if (rng.chance(0.02) && ageDays > 3) {
      const createdAt = plan.at + rng.int(2, Math.max(2, Math.min(20, Math.floor(ageDays) - 1))) * DAY;
      const r2 = rng.next();
      const status = now - createdAt < 5 * DAY || r2 < 0.15 ? 'open' : r2 < 0.25 ? 'rejected' : 'resolved';
      const cm: DemoComplaint = {
        id: idRng.uuid(), orderId: order.id, subject: complaintSubject(rng, lang), status, createdAt,
        resolvedAt: status === 'open' ? null : Math.min(now, createdAt + rng.int(1, 10) * DAY),
      };
      h.complaints.push(cm);
      h.interactions.push({
        occurredAt: createdAt, channel: 'complaint', type: 'complaint.opened', direction: 'inbound',
        summary: cm.subject, body: null, refType: 'complaint', refId: cm.id, authorUserId: null, linkedOrderId: order.id,
      });
    }
  }
  h.interactions.push(...otherActivity(rng, c, now, ctx.userIds));
  return h;
}

function delivery(ctx: HistoryContext, c: DemoContact, order: DemoOrder, ageDays: number): DemoDelivery {
  const { rng, idRng } = ctx;
  const shippedAt = order.orderedAt + rng.int(4, 48) * 3_600_000;
  const d: DemoDelivery = {
    id: idRng.uuid(), orderId: order.id, carrier: carrierFor(rng, c.country), status: 'delivered',
    trackingCode: `JJ${rng.int(100000000, 999999999)}${c.country}`, createdAt: order.orderedAt + 3_600_000,
    problem: null, shippedAt, deliveredAt: null,
  };
  if (ageDays < 1) {
    d.status = 'pending';
    d.shippedAt = null;
  } else if (ageDays < 3) d.status = 'shipped';
  else if (order.status === 'returned') {
    d.status = 'returned';
    d.deliveredAt = shippedAt + 2 * DAY;
  } else if (rng.chance(0.03)) {
    d.status = 'failed';
    d.problem = deliveryProblem(rng);
  } else d.deliveredAt = shippedAt + rng.int(1, 4) * DAY;
  return d;
}
