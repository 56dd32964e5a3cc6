import { sql, type RawBuilder } from 'kysely';
import { clusterMembersSql, type ClusterGeometry, rfmScoreCondition, rfmSegmentCondition, slowingCondition, valueRankCondition } from '../insights/conditions.ts';
import type { Condition, Rule } from './schema.ts';

// Compiles a validated rule (validate.ts) to one parameterised SQL predicate over `contacts c`.
// Identifiers and operators come only from the constant maps below, looked up by validated keys;
// every value from the rule is a bound parameter. Two shapes per activity condition:
//  - set mode (full builds): one grouped scan of the covering index (events_name_time), joined as a semi-join;
//  - per-contact mode (refreshContactSegments): correlated lookups by contact that touch only their rows.
// Event conditions the per-customer marks can answer (markable) read those instead of the events.

type Sql = RawBuilder<unknown>;

export interface CompileOptions {
  workspaceId: string;
  /** Correlated per-contact subqueries instead of whole-workspace scans (few contacts). */
  perContact?: boolean;
  /**
   * The geometry of every cluster the rule names (clusterIdsIn, loadClusterGeometry), read in
   * the same transaction; a cluster missing from it no longer exists and matches nobody.
   */
  clusters?: ReadonlyMap<string, ClusterGeometry>;
}

export interface Compiled {
  /** `contacts c [left join contact_order_stats s] where …`: select what you need from it. */
  from: Sql;
}

const COMPARE: Readonly<Record<string, Sql>> = Object.freeze({ lt: sql`<`, lte: sql`<=`, eq: sql`=`, neq: sql`<>`, gte: sql`>=`, gt: sql`>` });
const PROFILE_TEXT: Readonly<Record<string, Sql>> = Object.freeze({ name: sql`c.name`, locale: sql`c.locale`, source: sql`c.source` });
const ORDER_FIGURE: Readonly<Record<string, Sql>> = Object.freeze({
  days_since_last_order: sql`(current_date - s.last_order_at::date)`,
  order_count: sql`coalesce(s.order_count, 0)`,
  total_minor: sql`coalesce(s.total_minor, 0)`,
  avg_minor: sql`coalesce(s.avg_minor, 0)`,
});
const PAYMENT_FIGURE: Readonly<Record<string, Sql>> = Object.freeze({
  on_time_percent: sql`(100.0 * (s.settled_orders - s.late_orders) / nullif(s.settled_orders, 0))`,
  average_days_late: sql`s.days_late_avg`,
  // The clock decides when an unpaid order becomes overdue: judged at build time, like days since last order.
  days_overdue: sql`coalesce(greatest(floor(extract(epoch from now() - s.unpaid_due_at) / 86400), 0), 0)`,
  amount_due_minor: sql`coalesce(s.amount_due_minor, 0)`,
});
/** Orders that count as purchases: not inquiries, cancellations or returns. */
const PURCHASE_STATUSES = sql`('ordered', 'delivered', 'paid')`;
export const STORE_VISIT_EVENT = 'Store Visit';
export const STORE_VISIT_CHANNEL = 'visit';

function pick(map: Readonly<Record<string, Sql>>, key: string): Sql {
  if (!Object.hasOwn(map, key)) throw new Error(`segment compiler: ${key} is not allow-listed`);
  return map[key];
}

/** Channels kept as columns of each customer's contact_last_contact row; '*' is any channel. */
const LAST_CONTACT_COLUMN: Readonly<Record<string, Sql>> = Object.freeze({ '*': sql`l.any_at`, web: sql`l.web_at`, event: sql`l.event_at` });

const since = (days: number) => sql`now() - make_interval(days => ${days}::int)`;

/** How many latest times contact_event_marks keeps per customer and event (migration 0019). */
export const EVENT_MARKS_DEPTH = 10;

type EventCondition = Extract<Condition, { type: 'event' }>;

/** An event condition the kept marks answer exactly: any "none", and "at least" up to the depth kept. */
function markable(r: Rule): r is EventCondition {
  return 'type' in r && r.type === 'event' && (r.op === 'none' || r.count <= EVENT_MARKS_DEPTH);
}

export function compileRule(rule: Rule, o: CompileOptions, contactIds?: string[]): Compiled {
  let needsStats = false;
  const ws = o.workspaceId;

  // `driving`: the node is reached from the root through ANDs only, so its set bounds the result.
  function node(r: Rule, driving: boolean): Sql {
    if ('not' in r) return sql`not coalesce((${node(r.not, false)}), false)`;
    if ('rules' in r) {
      const and = r.op === 'and';
      if (!and) return sql`(${sql.join(r.rules.map((x) => node(x, false)), sql` or `)})`;
      // Event conditions ANDed on one event name become one range over that name's marks.
      const parts: Sql[] = [];
      const byName = new Map<string, EventCondition[]>();
      for (const x of r.rules) {
        if (markable(x)) byName.set(x.name, [...(byName.get(x.name) ?? []), x]);
        else parts.push(node(x, driving));
      }
      for (const [name, conds] of byName) parts.push(marks(name, conds, driving));
      return sql`(${sql.join(parts, sql` and `)})`;
    }
    if (markable(r)) return marks(r.name, [r], driving);
    return cond(r, driving);
  }

  /**
   * Event conditions on one name, answered from contact_event_marks (migration 0019): at least N
   * within D days ⇔ the N-th latest time is within D days; none within D days ⇔ the latest is
   * older (or the customer never did it). An "at least" bounds the range scan of the marks index
   * by last_at, and a "none" beside it cuts that range from above.
   */
  function marks(name: string, conds: EventCondition[], driving: boolean): Sql {
    const atLeast = conds.filter((c) => c.op === 'at_least');
    if (atLeast.length === 0) {
      return sql`(${sql.join(
        conds.map((c) => sql`not exists (select 1 from contact_event_marks m where m.contact_id = c.id and m.event = ${name} and m.last_at >= ${since(c.withinDays)})`),
        sql` and `,
      )})`;
    }
    const preds = conds.map((c) =>
      c.op === 'at_least'
        ? sql`m.last_at >= ${since(c.withinDays)} and m.recent[${c.count}::int] >= ${since(c.withinDays)}`
        : sql`m.last_at < ${since(c.withinDays)}`,
    );
    const where = sql.join(preds, sql` and `);
    if (o.perContact) return sql`exists (select 1 from contact_event_marks m where m.contact_id = c.id and m.event = ${name} and ${where})`;
    const rows = sql`select m.contact_id from contact_event_marks m where m.workspace_id = ${ws} and m.event = ${name} and ${where}`;
    // As for grouped activity below: an array lets a bounding set fetch its contacts by key.
    return driving ? sql`c.id = any(array(${rows}))` : sql`c.id in (${rows})`;
  }

  function textOp(col: Sql, op: string, value: string | undefined): Sql {
    switch (op) {
      case 'eq': return sql`lower(${col}) = lower(${value})`;
      case 'neq': return sql`lower(${col}) is distinct from lower(${value})`;
      case 'contains': return sql`coalesce(strpos(lower(${col}), lower(${value})) > 0, false)`;
      case 'is_set': return sql`nullif(${col}, '') is not null`;
      case 'is_not_set': return sql`nullif(${col}, '') is null`;
    }
    throw new Error(`segment compiler: text operator ${op}`);
  }

  /** Activity rows (contact_id, occurred) of one kind inside the window, as a subquery body. */
  function activityRows(kind: 'event' | 'purchases' | 'store_visits', name: string | undefined, days: number, contact: Sql | null): Sql[] {
    const byContact = (col: Sql) => (contact ? sql`and ${col} = ${contact}` : sql`and ${col} is not null`);
    switch (kind) {
      case 'event':
        return [sql`from events e where e.workspace_id = ${ws} and e.event = ${name} and e.occurred_at >= ${since(days)} ${byContact(sql`e.contact_id`)}`];
      case 'purchases':
        return [sql`from orders o where o.workspace_id = ${ws} and o.status in ${PURCHASE_STATUSES} and o.ordered_at >= ${since(days)} ${byContact(sql`o.contact_id`)}`];
      case 'store_visits':
        return [
          sql`from events e where e.workspace_id = ${ws} and e.event = ${STORE_VISIT_EVENT} and e.occurred_at >= ${since(days)} ${byContact(sql`e.contact_id`)}`,
          sql`from interactions i where i.workspace_id = ${ws} and i.channel = ${STORE_VISIT_CHANNEL} and i.occurred_at >= ${since(days)} ${byContact(sql`i.contact_id`)}`,
        ];
    }
  }
  const CONTACT_COL: Record<string, Sql> = { e: sql`e.contact_id`, o: sql`o.contact_id`, i: sql`i.contact_id` };

  function activity(c: Extract<Condition, { type: 'event' | 'purchases' | 'store_visits' }>, driving: boolean): Sql {
    const name = c.type === 'event' ? c.name : undefined;
    if (c.op === 'none') {
      const parts = activityRows(c.type, name, c.withinDays, sql`c.id`);
      return sql`(${sql.join(parts.map((p) => sql`not exists (select 1 ${p})`), sql` and `)})`;
    }
    if (o.perContact) {
      const parts = activityRows(c.type, name, c.withinDays, sql`c.id`);
      return sql`(${sql.join(parts.map((p) => sql`(select count(*) ${p})`), sql` + `)}) >= ${c.count}`;
    }
    const parts = activityRows(c.type, name, c.withinDays, null);
    const alias = c.type === 'purchases' ? 'o' : 'e';
    const union = sql.join(
      parts.map((p, i) => sql`select ${i === 1 ? CONTACT_COL.i : CONTACT_COL[alias]} as contact_id ${p}`),
      sql` union all `,
    );
    const grouped = sql`select a.contact_id from (${union}) a group by a.contact_id having count(*) >= ${c.count}`;
    // The planner cannot estimate HAVING count(*) >= n (it guessed 30,000 groups for 150 at 1M
    // customers) and then scans every contact to hash-join them. Where this set bounds the result,
    // an array built once lets it fetch just those contacts by primary key. Elsewhere (under OR
    // or NOT) a per-row `= any(array)` would be linear, so the hashed IN form stays.
    if (driving) return sql`c.id = any(array(${grouped}))`;
    return sql`c.id in (${grouped})`;
  }

  function cond(c: Condition, driving: boolean): Sql {
    switch (c.type) {
      case 'profile':
        switch (c.field) {
          case 'kind': return c.op === 'eq' ? sql`c.kind = ${c.value}` : sql`c.kind <> ${c.value}`;
          case 'name':
          case 'locale':
          case 'source': return textOp(pick(PROFILE_TEXT, c.field), c.op, 'value' in c ? c.value : undefined);
          case 'created_at':
            if (c.op === 'within_last_days') return sql`c.created_at >= ${since(c.days)}`;
            return c.op === 'before' ? sql`c.created_at < ${c.value}::date` : sql`c.created_at >= ${c.value}::date + 1`;
          case 'birthday':
            return sql`to_char(c.birthday, 'MM-DD') in (select jsonb_array_elements_text(${JSON.stringify(birthdayDays(c.days))}::jsonb))`;
        }
        break;
      case 'tag':
        return c.op === 'has' ? sql`c.tags @> array[${c.value}]::text[]` : sql`not (c.tags @> array[${c.value}]::text[])`;
      case 'attribute': {
        const val = sql`(c.attributes ->> ${c.key})`;
        switch (c.op) {
          case 'is_set': return sql`c.attributes ? ${c.key}`;
          case 'is_not_set': return sql`not (c.attributes ? ${c.key})`;
          case 'contains': return sql`coalesce(strpos(lower(${val}), lower(${c.value as string})) > 0, false)`;
          case 'in': return sql`${val} in (select jsonb_array_elements_text(${JSON.stringify(c.value)}::jsonb))`;
          case 'before': return sql`${val} < ${c.value as string}`;
          case 'after': return sql`${val} > ${c.value as string}`;
          case 'within_last_days': return sql`${val} >= to_char(current_date - ${c.days!}::int, 'YYYY-MM-DD') and ${val} <= to_char(current_date, 'YYYY-MM-DD')`;
        }
        if (typeof c.value === 'number') {
          const num = sql`(case when jsonb_typeof(c.attributes -> ${c.key}) = 'number' then (c.attributes ->> ${c.key})::numeric end)`;
          return sql`${num} ${pick(COMPARE, c.op)} ${c.value}::numeric`;
        }
        // Text, boolean: equality as jsonb containment, which the GIN index on attributes serves.
        const doc = JSON.stringify({ [c.key]: c.value });
        if (c.op === 'eq') return typeof c.value === 'string' ? sql`lower(${val}) = lower(${c.value})` : sql`c.attributes @> ${doc}::jsonb`;
        if (c.op === 'neq') return sql`lower(${val}) is distinct from lower(${c.value as string})`;
        break;
      }
      case 'order_figures':
        needsStats = true;
        if (c.field === 'favourite_sku') return c.op === 'eq' ? sql`s.favourite_sku = ${c.value}` : sql`s.favourite_sku is distinct from ${c.value}`;
        return sql`${pick(ORDER_FIGURE, c.field)} ${pick(COMPARE, c.op)} ${c.value}::bigint`;
      case 'payments':
        needsStats = true;
        return sql`${pick(PAYMENT_FIGURE, c.field)} ${pick(COMPARE, c.op)} ${c.value}::numeric`;
      case 'event':
      case 'purchases':
      case 'store_visits':
        return activity(c, driving);
      case 'last_contact': {
        // The latest contact kept per customer (migration 0020): interactions inbound or outbound,
        // tracked events as 'web' (page, screen) or 'event' (the rest).
        const key = c.channel ?? '*';
        const col = Object.hasOwn(LAST_CONTACT_COLUMN, key) ? LAST_CONTACT_COLUMN[key] : null;
        const within = c.op === 'within_last_days';
        if (col) {
          // Every customer has this row, '-infinity' until contacted, holding the hour of the
          // latest contact (truncated, UTC). With bound = now - D days and edge = its hour: a kept
          // hour after edge means a contact after bound, one before edge means none since bound;
          // only the customers kept at edge itself are re-read from the rows, the old way. Both
          // are computed once (InitPlans): compared with `now() - interval` itself, the planner
          // saw from the statistics that 61 % of the rows match and chose a seq scan evaluating
          // it per row (830-950 ms on PGlite at 1M customers / 1M events, 520-560 ms this way).
          const bound = sql`(select ${since(c.days)})`;
          const edge = sql`(select date_trunc('hour', ${since(c.days)}, 'UTC'))`;
          // Scalar subqueries, not EXISTS: the planner may turn an EXISTS under an OR into a hashed
          // subplan, or a NOT EXISTS into a hash anti-join, reading every event since the bound
          // (4.9M at 1M customers: 4 s), where the few customers kept at the edge need one index
          // probe each (9 at 1M customers / 10M events).
          const logged = sql`coalesce((select true from interactions i where i.contact_id = l.contact_id and i.workspace_id = ${ws}
            and i.direction in ('inbound', 'outbound') and i.occurred_at >= ${bound} ${c.channel ? sql`and i.channel = ${c.channel}` : sql``} limit 1), false)`;
          // Tracked events are inbound contact on 'web' (page, screen) and 'event' (the rest).
          const kinds = c.channel === 'web' ? sql`and e.type in ('page', 'screen')` : c.channel === 'event' ? sql`and e.type not in ('page', 'screen')` : sql``;
          const tracked = sql`coalesce((select true from events e where e.contact_id = l.contact_id and e.workspace_id = ${ws} and e.occurred_at >= ${bound} ${kinds} limit 1), false)`;
          const recheck = within ? sql`(${logged} or ${tracked})` : sql`not (${logged} or ${tracked})`;
          if (o.perContact) {
            const range = within ? sql`${col} >= ${edge} and (${col} > ${edge} or ${recheck})` : sql`${col} <= ${edge} and (${col} < ${edge} or ${recheck})`;
            return sql`exists (select 1 from contact_last_contact l where l.contact_id = c.id and ${range})`;
          }
          // One index range, the decided one with the edge, less the edge customers the rows
          // decide the other way (a handful).
          const wide = within ? sql`${col} >= ${edge}` : sql`${col} <= ${edge}`;
          const flipped = within ? sql`not (${logged} or ${tracked})` : sql`(${logged} or ${tracked})`;
          const flips = sql`select l.contact_id from contact_last_contact l where l.workspace_id = ${ws} and ${col} = ${edge} and ${flipped}`;
          return sql`c.id in (select l.contact_id from contact_last_contact l where l.workspace_id = ${ws} and ${wide} and l.contact_id not in (${flips}))`;
        }
        // Any other channel has rows only for customers contacted on it: "not within" is the
        // anti-join of those within.
        const recent = sql`l.channel = ${c.channel} and l.last_at >= ${since(c.days)}`;
        if (o.perContact) {
          const seen = sql`exists (select 1 from contact_last_contact_channels l where l.contact_id = c.id and ${recent})`;
          return within ? seen : sql`not ${seen}`;
        }
        if (within) return sql`c.id in (select l.contact_id from contact_last_contact_channels l where l.workspace_id = ${ws} and ${recent})`;
        return sql`not exists (select 1 from contact_last_contact_channels l where l.contact_id = c.id and l.workspace_id = ${ws} and ${recent})`;
      }
      case 'segment': {
        const exists = sql`exists (select 1 from segment_members m where m.segment_id = ${c.segmentId} and m.workspace_id = ${ws} and m.contact_id = c.id)`;
        return c.op === 'in' ? exists : sql`not ${exists}`;
      }
      // Groups found in the data: the SQL lives with the insights capability that derives them.
      case 'rfm':
        if (c.field === 'segment') {
          const inIt = rfmSegmentCondition(ws, c.value, 'c.id');
          return c.op === 'in' ? inIt : sql`not ${inIt}`;
        }
        return rfmScoreCondition(ws, c.field, c.op, c.value, 'c.id');
      case 'slowing':
        return c.op === 'flagged' ? slowingCondition(ws, 'c.id') : sql`not ${slowingCondition(ws, 'c.id')}`;
      case 'cluster': {
        if (!o.clusters) throw new Error('segment compiler: a cluster condition needs the clusters\' geometry (loadClusterGeometry)');
        const geometry = o.clusters.get(c.clusterId) ?? null;
        // Set mode: one pass over the workspace's figures; per contact: just that contact's row.
        const inIt = o.perContact ? sql`exists (${clusterMembersSql(ws, geometry, sql`c.id`)})` : sql`c.id in (${clusterMembersSql(ws, geometry, null)})`;
        return c.op === 'in' ? inIt : sql`not ${inIt}`;
      }
      case 'valuable':
        // The rank is relative to everyone, so both modes rank the workspace (conditions.ts).
        return valueRankCondition(ws, c.op === 'top_n' ? { topN: c.count, windowDays: c.withinDays } : { topPercent: c.percent, windowDays: c.withinDays }, 'c.id');
      case 'consent':
        break;
    }
    throw new Error(`segment compiler: condition ${JSON.stringify(c).slice(0, 100)} passed validation but has no SQL`);
  }

  const predicate = node(rule, true);
  const stats = needsStats ? sql`left join contact_order_stats s on s.contact_id = c.id` : sql``;
  const only = contactIds ? sql`and c.id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(contactIds)}::jsonb))` : sql``;
  return {
    from: sql`contacts c ${stats} where c.workspace_id = ${ws} and c.merged_into is null and c.deleted_at is null ${only} and (${predicate})`,
  };
}

/** The clusters a rule names, for loading their geometry before compiling. */
export function clusterIdsIn(rule: Rule): string[] {
  if ('not' in rule) return clusterIdsIn(rule.not);
  if ('rules' in rule) return [...new Set(rule.rules.flatMap(clusterIdsIn))];
  return rule.type === 'cluster' ? [rule.clusterId] : [];
}

/** Month-day keys of today and the next `days` days; 29 February birthdays count on 28 February in common years. */
export function birthdayDays(days: number, today = new Date()): string[] {
  const out = new Set<string>();
  const base = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  for (let i = 0; i <= days; i++) {
    const d = new Date(base + i * 86_400_000);
    const key = d.toISOString().slice(5, 10);
    out.add(key);
    const y = d.getUTCFullYear();
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (key === '02-28' && !leap) out.add('02-29');
  }
  return [...out];
}
