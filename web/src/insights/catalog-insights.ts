import type { CatalogContext, ConditionSpec, Input, Option } from '../segments/catalog.ts';
import type { ConditionNode } from '../segments/types.ts';
import { RFM_SEGMENTS } from './logic.ts';

// The segment builder's entries for conditions on groups found in the data, mirroring
// src/segments/schema.ts (rfm, cluster, slowing, valuable). Spread into CONDITIONS by
// web/src/segments/catalog.ts; kept here so the insights texts and shapes live together.

const op = (value: string, labelKey = `segments.op.${value}`): Option => ({ value, labelKey });
const select = (prop: string, labelKey: string, options: Option[], initial = options[0]?.value ?? ''): Input => ({ prop, kind: 'select', labelKey, options, initial });
const COMPARE = ['gte', 'gt', 'eq', 'neq', 'lte', 'lt'].map((v) => op(v));
const window = (): Input => ({ prop: 'withinDays', kind: 'number', labelKey: 'insights.condition.window', min: 1, max: 3650, whole: true, unitKey: 'segments.unit.days', initial: 365 });

function rfmInputs(c: ConditionNode): Input[] {
  const field = select('field', 'insights.condition.rfmField', ['segment', 'r', 'f', 'm'].map((v) => op(v, `insights.condition.rfm.${v}`)));
  if ((c.field ?? 'segment') === 'segment')
    return [
      field,
      select('op', 'segments.input.op', [op('in'), op('not_in')]),
      { prop: 'value', kind: 'choices', labelKey: 'insights.condition.rfmLabels', options: RFM_SEGMENTS.map(([value, key]) => ({ value, labelKey: `insights.rfm.segment.${key}` })), initial: [] },
    ];
  return [field, select('op', 'segments.input.op', COMPARE), { prop: 'value', kind: 'number', labelKey: 'insights.condition.score', min: 1, max: 5, whole: true, initial: 4 }];
}

/** The latest run's groups, plus the one a saved rule names if it came from an earlier run (kept, not reset). */
function clusterOptions(c: ConditionNode, ctx: CatalogContext): Option[] {
  const options: Option[] = (ctx.clusters ?? []).map((x) => ({ value: x.id, label: x.label }));
  if (typeof c.clusterId === 'string' && c.clusterId && !options.some((o) => o.value === c.clusterId)) options.push({ value: c.clusterId, labelKey: 'insights.condition.earlierCluster' });
  return options;
}

export const INSIGHT_CONDITIONS: ConditionSpec[] = [
  { type: 'slowing', labelKey: 'insights.condition.type.slowing', inputs: () => [select('op', 'segments.input.op', [op('flagged', 'insights.condition.op.flagged'), op('not_flagged', 'insights.condition.op.not_flagged')])] },
  {
    type: 'valuable',
    labelKey: 'insights.condition.type.valuable',
    inputs: (c) => [
      select('op', 'segments.input.op', [op('top_n', 'insights.condition.op.top_n'), op('top_percent', 'insights.condition.op.top_percent')]),
      c.op === 'top_percent'
        ? { prop: 'percent', kind: 'number', labelKey: 'insights.condition.percent', min: 0, minExclusive: true, max: 100, unitKey: 'insights.condition.unit.percent', initial: 10 }
        : { prop: 'count', kind: 'number', labelKey: 'insights.condition.count', min: 1, max: 1_000_000, whole: true, unitKey: 'insights.condition.unit.customers', initial: 100 },
      window(),
    ],
  },
  { type: 'rfm', labelKey: 'insights.condition.type.rfm', inputs: rfmInputs },
  {
    type: 'cluster',
    labelKey: 'insights.condition.type.cluster',
    inputs: (c, ctx) => [select('op', 'segments.input.op', [op('in'), op('not_in')]), select('clusterId', 'insights.condition.cluster', clusterOptions(c, ctx))],
    offered: (ctx) => (ctx.clusters ?? []).length > 0,
  },
];
