import { INSIGHT_CONDITIONS } from '../insights/catalog-insights.ts';
import type { AttributeDef, ConditionNode } from './types.ts';

// The condition types the builder offers, as data: for each type, the inputs a condition shows
// given what is already chosen (a profile field decides its operators, an operator decides whether
// a value is asked for). The editor (ConditionEditor.tsx) and the tree helpers (rules.ts) know
// nothing of particular types, so a new condition type (e.g. from insights) is one entry in
// CONDITIONS below, mirroring its shape in src/segments/schema.ts.
//
// Label keys live in web/src/i18n/locales/en/segments.json; test/web/segments-catalog.test.ts
// checks that every key named here exists.

export interface Option {
  value: string;
  /** i18n key of the option's label; `label` is used as is (attribute names, segment names). */
  labelKey?: string;
  label?: string;
}

export type InputKind = 'select' | 'text' | 'number' | 'money' | 'date' | 'boolean' | 'choices';

export interface Input {
  /** The condition's property this input edits. */
  prop: string;
  kind: InputKind;
  labelKey: string;
  /** select and choices */
  options?: Option[];
  /**
   * number and money: the bounds of src/segments/schema.ts, checked in the form so a value out of
   * range is refused in the reader's language instead of with the schema's message. Money
   * bounds are in minor units, like the value.
   */
  min?: number;
  max?: number;
  /** The lower bound itself is refused (a share above 0). */
  minExclusive?: boolean;
  /** Only whole numbers (days, counts, scores). */
  whole?: boolean;
  /** i18n key of a unit shown after a number ("days", "times"). */
  unitKey?: string;
  /** text: a named list of suggestions the builder loads (e.g. the workspace's tags). */
  suggest?: 'tags';
  /** The value a fresh condition, or one whose earlier choices changed, starts with. */
  initial: unknown;
  /** An empty optional input drops its property instead of leaving the condition incomplete. */
  optional?: boolean;
}

export interface CatalogContext {
  attributes: AttributeDef[];
  segments: Array<{ id: string; name: string }>;
  /** The segment being edited: it cannot refer to itself. */
  selfId?: string;
  currency: string;
  /** Groups of the latest clustering (GET /insights/clusters), for the 'cluster' condition. */
  clusters?: Array<{ id: string; label: string }>;
}

export interface ConditionSpec {
  type: string;
  labelKey: string;
  inputs(c: ConditionNode, ctx: CatalogContext): Input[];
  /** Whether "add condition" offers it; an existing condition of any known type is still editable. */
  offered?(ctx: CatalogContext): boolean;
}

const opt = (group: string) => (value: string): Option => ({ value, labelKey: `segments.${group}.${value}` });
const ops = (...values: string[]) => values.map(opt('op'));
const select = (prop: string, labelKey: string, options: Option[], initial = options[0]?.value ?? ''): Input => ({ prop, kind: 'select', labelKey, options, initial });
/** The largest day count and count the server takes (src/segments/schema.ts `days`, `count`). */
export const MAX_DAYS = 36_500;
export const MAX_COUNT = 1_000_000;
const days = (prop = 'days', min = 1, max = MAX_DAYS): Input => ({ prop, kind: 'number', labelKey: 'segments.input.days', min, max, whole: true, unitKey: 'segments.unit.days', initial: 30 });
const text = (labelKey = 'segments.input.value', extra: Partial<Input> = {}): Input => ({ prop: 'value', kind: 'text', labelKey, initial: '', ...extra });
const COMPARE = ops('gte', 'gt', 'eq', 'neq', 'lte', 'lt');
const TEXT_OPS = ['eq', 'neq', 'contains'];
const SET_OPS = ['is_set', 'is_not_set'];

/** Channels of the timeline that count as contact (see src/contacts/schema.ts USER_CHANNELS). */
export const CONTACT_CHANNELS = ['email', 'sms', 'call', 'voice', 'meeting', 'chat', 'web', 'visit', 'letter', 'social', 'other'];
const CONSENT_CHANNELS = ['email', 'sms', 'voice', 'whatsapp', 'post'];

function activityInputs(first: Input[]): (c: ConditionNode) => Input[] {
  return (c) => [
    ...first,
    select('op', 'segments.input.op', ops('at_least', 'none')),
    ...(c.op === 'none' ? [] : [{ prop: 'count', kind: 'number', labelKey: 'segments.input.count', min: 1, max: MAX_COUNT, whole: true, unitKey: 'segments.unit.times', initial: 1 } satisfies Input]),
    { ...days('withinDays'), labelKey: 'segments.input.withinDays' },
  ];
}

const PROFILE_FIELDS = ['kind', 'name', 'locale', 'source', 'created_at', 'birthday'];

function profileInputs(c: ConditionNode): Input[] {
  const field = select('field', 'segments.input.field', PROFILE_FIELDS.map(opt('profileField')));
  switch (c.field ?? 'kind') {
    case 'kind':
      return [field, select('op', 'segments.input.op', ops('eq', 'neq')), select('value', 'segments.input.value', ['person', 'company'].map(opt('contactKind')))];
    case 'name':
      return [field, select('op', 'segments.input.op', ops(...TEXT_OPS)), text()];
    case 'locale':
    case 'source':
      return [field, select('op', 'segments.input.op', ops(...TEXT_OPS, ...SET_OPS)), ...(SET_OPS.includes(c.op as string) ? [] : [text()])];
    case 'created_at':
      return [
        field,
        select('op', 'segments.input.op', ops('within_last_days', 'before', 'after')),
        c.op === 'before' || c.op === 'after' ? { prop: 'value', kind: 'date', labelKey: 'segments.input.date', initial: '' } : days(),
      ];
    case 'birthday':
      return [field, select('op', 'segments.input.op', ops('within_next_days')), { ...days('days', 0, 366), initial: 7 }];
  }
  return [field];
}

const ATTRIBUTE_OPS: Record<AttributeDef['type'], string[]> = {
  text: [...TEXT_OPS, ...SET_OPS],
  number: ['gte', 'gt', 'eq', 'neq', 'lte', 'lt', ...SET_OPS],
  date: ['within_last_days', 'before', 'after', ...SET_OPS],
  boolean: ['eq', ...SET_OPS],
  choice: ['in', ...SET_OPS],
};

function attributeInputs(c: ConditionNode, ctx: CatalogContext): Input[] {
  const key = select('key', 'segments.input.attribute', ctx.attributes.map((a) => ({ value: a.key, label: a.label || a.key })));
  const def = ctx.attributes.find((a) => a.key === c.key) ?? ctx.attributes[0];
  if (!def) return [key];
  const op = select('op', 'segments.input.op', ops(...ATTRIBUTE_OPS[def.type]));
  const chosen = ATTRIBUTE_OPS[def.type].includes(c.op as string) ? (c.op as string) : ATTRIBUTE_OPS[def.type][0];
  if (SET_OPS.includes(chosen)) return [key, op];
  if (chosen === 'within_last_days') return [key, op, days()];
  switch (def.type) {
    case 'number': return [key, op, { prop: 'value', kind: 'number', labelKey: 'segments.input.value', initial: 0 }];
    case 'date': return [key, op, { prop: 'value', kind: 'date', labelKey: 'segments.input.date', initial: '' }];
    case 'boolean': return [key, op, { prop: 'value', kind: 'boolean', labelKey: 'segments.input.value', initial: true }];
    case 'choice': return [key, op, { prop: 'value', kind: 'choices', labelKey: 'segments.input.choices', options: (def.choices ?? []).map((v) => ({ value: v, label: v })), initial: [] }];
    default: return [key, op, text()];
  }
}

function orderFigureInputs(c: ConditionNode): Input[] {
  const field = select('field', 'segments.input.figure', ['days_since_last_order', 'order_count', 'total_minor', 'avg_minor', 'favourite_sku'].map(opt('orderField')));
  if (c.field === 'favourite_sku') return [field, select('op', 'segments.input.op', ops('eq', 'neq')), text('segments.input.sku')];
  const money = c.field === 'total_minor' || c.field === 'avg_minor';
  const unitKey = c.field === 'order_count' ? 'segments.unit.orders' : c.field === 'days_since_last_order' || c.field === undefined ? 'segments.unit.days' : undefined;
  return [field, select('op', 'segments.input.op', COMPARE), { prop: 'value', kind: money ? 'money' : 'number', labelKey: 'segments.input.value', min: 0, max: Number.MAX_SAFE_INTEGER, whole: true, unitKey, initial: money ? 10_000 : 30 }];
}

/** The largest payments figure the server takes (src/segments/schema.ts `paymentsCondition`). */
export const MAX_PAYMENT_VALUE = 1_000_000_000_000;
export const PAYMENT_FIELDS = ['on_time_percent', 'average_days_late', 'days_overdue', 'amount_due_minor'] as const;

/**
 * How the customer pays: a share in percent (0–100, the server would take more but no share is
 * above 100), days (average days late may have decimals, days overdue are whole) or an amount due
 * in minor units of the workspace currency, entered in major units like the order figures' money.
 */
function paymentInputs(c: ConditionNode): Input[] {
  const field = select('field', 'segments.input.figure', PAYMENT_FIELDS.map(opt('paymentField')));
  const op = select('op', 'segments.input.op', COMPARE);
  const base = { prop: 'value', labelKey: 'segments.input.value', min: 0 } as const;
  switch (c.field) {
    case 'average_days_late':
      return [field, op, { ...base, kind: 'number', max: MAX_DAYS, unitKey: 'segments.unit.days', initial: 7 }];
    case 'days_overdue':
      return [field, op, { ...base, kind: 'number', max: MAX_DAYS, whole: true, unitKey: 'segments.unit.days', initial: 30 }];
    case 'amount_due_minor':
      return [field, op, { ...base, kind: 'money', max: MAX_PAYMENT_VALUE, initial: 10_000 }];
    default:
      return [field, op, { ...base, kind: 'number', max: 100, unitKey: 'segments.unit.percent', initial: 90 }];
  }
}

/** Every condition type the builder knows, in the order "add condition" lists them. */
export const CONDITIONS: ConditionSpec[] = [
  { type: 'profile', labelKey: 'segments.type.profile', inputs: profileInputs },
  { type: 'tag', labelKey: 'segments.type.tag', inputs: () => [select('op', 'segments.input.op', ops('has', 'has_not')), text('segments.input.tag', { suggest: 'tags' })] },
  { type: 'attribute', labelKey: 'segments.type.attribute', inputs: attributeInputs, offered: (ctx) => ctx.attributes.length > 0 },
  { type: 'order_figures', labelKey: 'segments.type.order_figures', inputs: orderFigureInputs },
  { type: 'payments', labelKey: 'segments.type.payments', inputs: paymentInputs },
  { type: 'purchases', labelKey: 'segments.type.purchases', inputs: activityInputs([]) },
  { type: 'event', labelKey: 'segments.type.event', inputs: activityInputs([text('segments.input.eventName', { prop: 'name' })]) },
  { type: 'store_visits', labelKey: 'segments.type.store_visits', inputs: activityInputs([]) },
  {
    type: 'last_contact',
    labelKey: 'segments.type.last_contact',
    inputs: () => [
      select('op', 'segments.input.op', ops('within_last_days', 'not_within_last_days')),
      days(),
      { ...select('channel', 'segments.input.channel', [{ value: '', labelKey: 'segments.channel.any' }, ...CONTACT_CHANNELS.map((c) => ({ value: c, labelKey: `channel.${c}` }))], ''), optional: true },
    ],
  },
  {
    type: 'segment',
    labelKey: 'segments.type.segment',
    inputs: (_c, ctx) => [select('op', 'segments.input.op', ops('in', 'not_in')), select('segmentId', 'segments.input.segment', others(ctx).map((s) => ({ value: s.id, label: s.name })))],
    offered: (ctx) => others(ctx).length > 0,
  },
  // Groups found in the data (web/src/insights/catalog-insights.ts; labels in locales/en/insights.json).
  ...INSIGHT_CONDITIONS,
  // Part of the rule language, refused by the server until consent is recorded per channel:
  // not offered, but a rule that holds one (saved through the API) still shows and edits.
  {
    type: 'consent',
    labelKey: 'segments.type.consent',
    inputs: () => [select('channel', 'segments.input.channel', CONSENT_CHANNELS.map(opt('consentChannel'))), select('op', 'segments.input.op', ops('granted', 'not_granted'))],
    offered: () => false,
  },
];

const others = (ctx: CatalogContext) => ctx.segments.filter((s) => s.id !== ctx.selfId);

export function specFor(type: string): ConditionSpec | undefined {
  return CONDITIONS.find((s) => s.type === type);
}

export function offeredConditions(ctx: CatalogContext): ConditionSpec[] {
  return CONDITIONS.filter((s) => s.offered?.(ctx) ?? true);
}

function fits(input: Input, v: unknown): boolean {
  switch (input.kind) {
    case 'select': return typeof v === 'string' && (input.options ?? []).some((o) => o.value === v);
    case 'text':
    case 'date': return typeof v === 'string';
    case 'number':
    case 'money': return (typeof v === 'number' && Number.isFinite(v)) || v === '';
    case 'boolean': return typeof v === 'boolean';
    case 'choices': return Array.isArray(v) && v.every((x) => (input.options ?? []).some((o) => o.value === x));
  }
}

/**
 * The condition with exactly the properties its inputs ask for: values that still fit are kept,
 * others start afresh. Runs until stable because earlier choices decide later inputs.
 */
export function reshape(c: ConditionNode, ctx: CatalogContext): ConditionNode {
  const spec = specFor(c.type);
  if (!spec) return c;
  let cur = c;
  for (let i = 0; i < 5; i++) {
    const next: ConditionNode = { type: c.type };
    for (const input of spec.inputs(cur, ctx)) {
      const v = cur[input.prop];
      if (fits(input, v) && !(input.optional && v === '')) next[input.prop] = v;
      else if (!input.optional || (input.initial !== '' && input.initial !== undefined)) next[input.prop] = input.initial;
    }
    if (JSON.stringify(next) === JSON.stringify(cur)) return next;
    cur = next;
  }
  return cur;
}

export function newCondition(type: string, ctx: CatalogContext): ConditionNode {
  return reshape({ type }, ctx);
}

/** What a number means: an input of another kind or unit (days, %, money) does not keep the old value. */
const meaning = (i: Input) => `${i.kind}:${i.unitKey ?? ''}`;

/**
 * Sets one property and reshapes the rest around it (a new field brings its own operators). An
 * input whose meaning changed with it starts from its own initial value: 90 % does not become 0.90
 * of a currency, nor 30 days 30 orders.
 */
export function setProp(c: ConditionNode, prop: string, value: unknown, ctx: CatalogContext): ConditionNode {
  const next: ConditionNode = { ...c };
  const before = specFor(c.type)?.inputs(c, ctx) ?? [];
  if (value === undefined || (value === '' && before.find((i) => i.prop === prop)?.optional)) delete next[prop];
  else next[prop] = value;
  for (const input of specFor(c.type)?.inputs(next, ctx) ?? []) {
    const was = before.find((i) => i.prop === input.prop);
    if (input.prop !== prop && was && meaning(was) !== meaning(input)) delete next[input.prop];
  }
  return reshape(next, ctx);
}

/** Properties that still need a value before the condition can be sent. */
export function missingProps(c: ConditionNode, ctx: CatalogContext): string[] {
  const spec = specFor(c.type);
  if (!spec) return [];
  return spec.inputs(c, ctx).filter((i) => {
    if (i.optional) return false;
    const v = c[i.prop];
    if (i.kind === 'select' && (i.options ?? []).length === 0) return true;
    return v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  }).map((i) => i.prop);
}

export interface BoundsProblem {
  /** i18n key of the message; its {{min}} and {{max}} are in the unit the form shows. */
  key: 'segments.field.wholeRange' | 'segments.field.numberRange' | 'segments.field.aboveRange';
  min: number;
  max: number;
}

/** Why a number the user typed cannot be sent, or null when it can (or is not a number yet). */
export function boundsProblem(input: Input, v: unknown, currency: string): BoundsProblem | null {
  if ((input.kind !== 'number' && input.kind !== 'money') || typeof v !== 'number') return null;
  const min = input.min ?? -Infinity;
  const max = input.max ?? Infinity;
  const ok = Number.isFinite(v) && (input.minExclusive ? v > min : v >= min) && v <= max && (!input.whole || Number.isInteger(v));
  // Unbounded inputs (custom number fields) only ever hold finite numbers: reshape drops the rest.
  if (ok || (input.min === undefined && input.max === undefined)) return null;
  const shown = (x: number) => (input.kind === 'money' && Number.isFinite(x) ? fromMinor(x, currency) : x);
  const key = input.minExclusive ? 'segments.field.aboveRange' : input.whole && input.kind !== 'money' ? 'segments.field.wholeRange' : 'segments.field.numberRange';
  return { key, min: shown(min), max: shown(max) };
}

/** Decimal places of a currency's minor unit (EUR 2, JPY 0). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Amounts travel as integer minor units; the form shows major units. */
export const toMinor = (major: number, currency: string) => Math.round(major * 10 ** minorDigits(currency));
export const fromMinor = (minor: number, currency: string) => minor / 10 ** minorDigits(currency);
