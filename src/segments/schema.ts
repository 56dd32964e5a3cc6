import { z } from 'zod';
import { RFM_SEGMENTS } from '../insights/rfm.ts';

// The segment rule language: a JSON tree of groups ({op, rules}), negations ({not}) and
// conditions ({type, ...}). The per-condition shapes below are what validate.ts checks each node
// against (so an error names the exact node), and `ruleSchema` is the whole tree for the UI
// builder and the OpenAPI document. Nothing here is ever pasted into SQL: compile.ts maps every
// field and operator through its own allow-list and binds every value.

export const MAX_RULE_DEPTH = 8;
export const MAX_RULE_NODES = 100;

const days = z.number().int().min(1).max(36_500);
const count = z.number().int().min(1).max(1_000_000);
/** Free text bound as a parameter; NUL is refused here because PostgreSQL text cannot hold it. */
const str = (max: number) => z.string().min(1).max(max).refine((v) => !v.includes('\u0000'), 'Contains a NUL character');
const text = str(500);
const eventName = str(200);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a date YYYY-MM-DD').refine((s) => {
  const t = Date.parse(s + 'T00:00:00Z');
  return !Number.isNaN(t) && !s.startsWith('0000') && new Date(t).toISOString().slice(0, 10) === s;
}, 'Not a calendar date');
const numberOp = z.enum(['lt', 'lte', 'eq', 'neq', 'gte', 'gt']);
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Profile columns of the contact itself; each field has its own operators. */
export const profileConditions = {
  kind: z.strictObject({ type: z.literal('profile'), field: z.literal('kind'), op: z.enum(['eq', 'neq']), value: z.enum(['person', 'company']) }),
  name: z.strictObject({ type: z.literal('profile'), field: z.literal('name'), op: z.enum(['eq', 'neq', 'contains']), value: text }),
  locale: z.union([
    z.strictObject({ type: z.literal('profile'), field: z.literal('locale'), op: z.enum(['eq', 'neq', 'contains']), value: text }),
    z.strictObject({ type: z.literal('profile'), field: z.literal('locale'), op: z.enum(['is_set', 'is_not_set']) }),
  ]),
  source: z.union([
    z.strictObject({ type: z.literal('profile'), field: z.literal('source'), op: z.enum(['eq', 'neq', 'contains']), value: text }),
    z.strictObject({ type: z.literal('profile'), field: z.literal('source'), op: z.enum(['is_set', 'is_not_set']) }),
  ]),
  created_at: z.union([
    z.strictObject({ type: z.literal('profile'), field: z.literal('created_at'), op: z.enum(['before', 'after']), value: isoDate }),
    z.strictObject({ type: z.literal('profile'), field: z.literal('created_at'), op: z.literal('within_last_days'), days }),
  ]),
  birthday: z.strictObject({ type: z.literal('profile'), field: z.literal('birthday'), op: z.literal('within_next_days'), days: z.number().int().min(0).max(366) }),
} as const;

export const tagCondition = z.strictObject({ type: z.literal('tag'), op: z.enum(['has', 'has_not']), value: str(100) });

/** Custom attributes: the shape is checked here, the operator and value against the attribute's defined type in validate.ts. */
export const attributeCondition = z.strictObject({
  type: z.literal('attribute'),
  key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'Not an attribute key'),
  op: z.enum(['eq', 'neq', 'contains', 'lt', 'lte', 'gte', 'gt', 'before', 'after', 'within_last_days', 'in', 'is_set', 'is_not_set']),
  value: z.unknown().optional(),
  days: days.optional(),
});
/** The value each attribute type accepts, by operator. */
export const attributeValues = {
  text: { eq: text, neq: text, contains: text },
  number: { lt: z.number().finite(), lte: z.number().finite(), eq: z.number().finite(), neq: z.number().finite(), gte: z.number().finite(), gt: z.number().finite() },
  date: { before: isoDate, after: isoDate },
  boolean: { eq: z.boolean() },
  choice: { in: z.array(str(200)).min(1).max(100) },
} as const;

/** Order figures kept per customer in contact_order_stats. */
export const orderFiguresCondition = z.union([
  z.strictObject({ type: z.literal('order_figures'), field: z.enum(['days_since_last_order', 'order_count', 'total_minor', 'avg_minor']), op: numberOp, value: amount }),
  z.strictObject({ type: z.literal('order_figures'), field: z.literal('favourite_sku'), op: z.enum(['eq', 'neq']), value: str(200) }),
]);

/**
 * How the customer pays (payment reliability, src/orders/figures-sql.ts). A customer with no
 * settled order has no on-time percent or average delay and matches no comparison on them.
 */
export const paymentsCondition = z.strictObject({
  type: z.literal('payments'),
  field: z.enum(['on_time_percent', 'average_days_late', 'days_overdue', 'amount_due_minor']),
  op: numberOp,
  value: z.number().min(0, 'Must be 0 or more').max(1_000_000_000_000, 'Too large'),
});

/** "Did X at least N times in the last D days" / "did not do X in the last D days". */
const activity = <T extends string, E extends z.ZodRawShape>(type: T, extra: E) =>
  z.union([
    z.strictObject({ type: z.literal(type), ...extra, op: z.literal('at_least'), count, withinDays: days }),
    z.strictObject({ type: z.literal(type), ...extra, op: z.literal('none'), withinDays: days }),
  ]);
/** Tracked events by name (e.g. 'Order Completed' for purchases reported by the shop's tracking). */
export const eventCondition = activity('event', { name: eventName });
/** Orders from the orders table (statuses ordered, delivered, paid). */
export const purchaseCondition = activity('purchases', {});
/** Store visits: events named 'Store Visit' plus timeline entries on the 'visit' channel. */
export const storeVisitCondition = activity('store_visits', {});

export const lastContactCondition = z.strictObject({
  type: z.literal('last_contact'),
  op: z.enum(['within_last_days', 'not_within_last_days']),
  days,
  channel: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'Not a channel name').optional(),
});

/** Part of the language, refused at validation until consent records exist (400 "not available yet"). */
export const consentCondition = z.strictObject({ type: z.literal('consent'), channel: z.enum(['email', 'sms', 'voice', 'whatsapp', 'post']), op: z.enum(['granted', 'not_granted']) });

/** Groups found in the data (src/insights): RFM labels and scores, clusters, slowing flag, value ranking. */
export const rfmCondition = z.union([
  z.strictObject({ type: z.literal('rfm'), field: z.literal('segment'), op: z.enum(['in', 'not_in']), value: z.array(z.enum(RFM_SEGMENTS)).min(1).max(RFM_SEGMENTS.length) }),
  z.strictObject({ type: z.literal('rfm'), field: z.enum(['r', 'f', 'm']), op: numberOp, value: z.number().int().min(1).max(5) }),
]);
/** In a cluster found by k-means: the customer's current figures are nearest its centre (src/insights/conditions.ts). */
export const clusterCondition = z.strictObject({ type: z.literal('cluster'), op: z.enum(['in', 'not_in']), clusterId: z.uuid('Expected a cluster id') });
/** Carries the slowing flag (gaps growing or order value falling; src/insights/slowing.ts). */
export const slowingCondition = z.strictObject({ type: z.literal('slowing'), op: z.enum(['flagged', 'not_flagged']) });
/** Among the most valuable customers: money spent on counted orders over the last withinDays. */
export const valuableCondition = z.union([
  z.strictObject({ type: z.literal('valuable'), op: z.literal('top_n'), count, withinDays: z.number().int().min(1).max(3650) }),
  z.strictObject({ type: z.literal('valuable'), op: z.literal('top_percent'), percent: z.number().gt(0).max(100), withinDays: z.number().int().min(1).max(3650) }),
]);

export const segmentCondition = z.strictObject({ type: z.literal('segment'), op: z.enum(['in', 'not_in']), segmentId: z.uuid() });

export const conditionSchemas = {
  tag: tagCondition,
  attribute: attributeCondition,
  order_figures: orderFiguresCondition,
  payments: paymentsCondition,
  event: eventCondition,
  purchases: purchaseCondition,
  store_visits: storeVisitCondition,
  last_contact: lastContactCondition,
  consent: consentCondition,
  segment: segmentCondition,
  rfm: rfmCondition,
  cluster: clusterCondition,
  slowing: slowingCondition,
  valuable: valuableCondition,
} as const;

export type ProfileCondition = { [K in keyof typeof profileConditions]: z.infer<(typeof profileConditions)[K]> }[keyof typeof profileConditions];
export type Condition = ProfileCondition | { [K in keyof typeof conditionSchemas]: z.infer<(typeof conditionSchemas)[K]> }[keyof typeof conditionSchemas];
export type Rule = { op: 'and' | 'or'; rules: Rule[] } | { not: Rule } | Condition;

/** The whole tree, for clients; the server validates node by node (validate.ts) to name the bad node. */
export const ruleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.union([
    z.strictObject({ op: z.enum(['and', 'or']), rules: z.array(ruleSchema).min(1).max(MAX_RULE_NODES) }),
    z.strictObject({ not: ruleSchema }),
    ...Object.values(profileConditions),
    ...Object.values(conditionSchemas),
  ]),
) as z.ZodType<Rule>;

const noNul = (v: string) => !v.includes('\u0000');
const name = z.string().trim().min(1).max(200).refine(noNul, 'Contains a NUL character');
const description = z.string().max(2000).refine(noNul, 'Contains a NUL character').nullable().optional();

export const createSegmentBody = z.discriminatedUnion('kind', [
  z.strictObject({ name, description, kind: z.literal('dynamic'), rule: z.unknown() }),
  z.strictObject({ name, description, kind: z.literal('static') }),
]);
export const updateSegmentBody = z.strictObject({ name: name.optional(), description, rule: z.unknown().optional() });
export const previewBody = z.strictObject({ rule: z.unknown() });
export const idParams = z.strictObject({ id: z.uuid() });
export const listQuery = z.strictObject({ cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
export const memberIdsBody = z.strictObject({ contactIds: z.array(z.uuid()).min(1).max(10_000) });
