import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { boundsProblem, CONDITIONS, missingProps, specFor, newCondition, offeredConditions, reshape, setProp, toMinor, fromMinor, type CatalogContext } from '../../web/src/segments/catalog.ts';
import { AWAITING_BUILD_POLL_MS, awaitingBuild, BUILT_POLL_MS, detailRefetchMs, healthState, lagParts, sizeByDay, STALE_AFTER_SECONDS } from '../../web/src/segments/health.ts';
import { allPaths, appendTo, asRootGroup, getAt, incomplete, outOfBounds, placeErrors, removeAt, setGroupOp, toggleNot, updateAt } from '../../web/src/segments/rules.ts';
import { ruleSchema } from '../../src/segments/schema.ts';
import type { GroupNode, RuleNode } from '../../web/src/segments/types.ts';

// The segment builder's logic without a browser: editing the rule tree, the catalog that shapes
// each condition, placing the server's field errors on the node they name, and health figures.

const ctx: CatalogContext = {
  attributes: [
    { key: 'shoe_size', label: 'Shoe size', type: 'number', choices: null, appliesTo: 'person' },
    { key: 'tier', label: 'Tier', type: 'choice', choices: ['gold', 'silver'], appliesTo: 'person' },
  ],
  segments: [{ id: 'self', name: 'This one' }, { id: 'other', name: 'Other' }],
  selfId: 'self',
  currency: 'EUR',
};

const VIP = { type: 'tag', op: 'has', value: 'vip' };
const BUYERS = { type: 'purchases', op: 'at_least', count: 3, withinDays: 90 };
/** (VIP and not (buyers or locale set)) */
const tree = (): GroupNode => ({ op: 'and', rules: [VIP, { not: { op: 'or', rules: [BUYERS, { type: 'profile', field: 'locale', op: 'is_set' }] } }] });

describe('rule tree editing', () => {
  it('reads, replaces and removes nodes by path without touching the original', () => {
    const t = tree();
    const before = JSON.stringify(t);
    assert.deepEqual(getAt(t, ['rules', 1, 'not', 'rules', 0]), BUYERS);
    const changed = updateAt(t, ['rules', 1, 'not', 'rules', 0], (n) => ({ ...n, count: 5 }) as RuleNode);
    assert.equal((getAt(changed, ['rules', 1, 'not', 'rules', 0]) as any).count, 5);
    assert.equal(JSON.stringify(t), before, 'the original tree is unchanged');
    const removed = removeAt(t, ['rules', 1, 'not', 'rules', 1]);
    assert.deepEqual(getAt(removed, ['rules', 1]), { not: { op: 'or', rules: [BUYERS] } });
    assert.deepEqual(removeAt(t, ['rules', 0]), { op: 'and', rules: [t.rules[1]] });
    assert.equal(removeAt(t, []), t, 'the root stays');
  });

  it('removing the node under a NOT removes the NOT with it', () => {
    assert.deepEqual(removeAt(tree(), ['rules', 1, 'not']), { op: 'and', rules: [VIP] });
  });

  it('adds conditions and groups, toggles NOT and switches AND/OR', () => {
    let t: RuleNode = tree();
    t = appendTo(t, ['rules', 1, 'not'], VIP);
    assert.equal((getAt(t, ['rules', 1, 'not']) as GroupNode).rules.length, 3);
    t = toggleNot(t, ['rules', 0]);
    assert.deepEqual(getAt(t, ['rules', 0]), { not: VIP });
    t = toggleNot(t, ['rules', 0]);
    assert.deepEqual(getAt(t, ['rules', 0]), VIP);
    t = setGroupOp(t, [], 'or');
    assert.equal((t as GroupNode).op, 'or');
    assert.throws(() => updateAt(VIP as RuleNode, ['rules', 0], (n) => n), /No rule node/);
  });

  it('lists every path depth first and always edits a group at the root', () => {
    assert.deepEqual(allPaths(tree()).map((p) => p.join('.')), ['', 'rules.0', 'rules.1', 'rules.1.not', 'rules.1.not.rules.0', 'rules.1.not.rules.1']);
    assert.deepEqual(asRootGroup(VIP as RuleNode), { op: 'and', rules: [VIP] });
    assert.deepEqual(asRootGroup(null), { op: 'and', rules: [] });
    const g = tree();
    assert.equal(asRootGroup(g), g);
  });
});

describe('placing server errors on nodes', () => {
  it('puts a property error beside the input of the node it names, through NOT and nested groups', () => {
    const fields = {
      'rule.rules.1.not.rules.0.withinDays': ['Too big: expected number to be <=36500'],
      'rule.rules.0.value': ['Contains a NUL character'],
      name: ['Already used'],
    };
    const { byNode, unplaced } = placeErrors(fields, tree());
    assert.deepEqual(byNode.get('rule.rules.1.not.rules.0'), { node: [], props: { withinDays: ['Too big: expected number to be <=36500'] } });
    assert.deepEqual(byNode.get('rule.rules.0')?.props.value, ['Contains a NUL character']);
    assert.equal(byNode.size, 2, 'fields outside the rule belong to the rest of the form');
    assert.deepEqual(unplaced, []);
  });

  it('keeps list-item details on the property, and node-level errors on the node', () => {
    const t: GroupNode = { op: 'and', rules: [{ type: 'attribute', key: 'tier', op: 'in', value: ['gold', 'bronze'] }, { type: 'tag', op: 'has', value: 'x', where: '1=1' }] };
    const { byNode } = placeErrors({ 'rule.rules.0.value.1': ['Not one of the choices: gold, silver'], 'rule.rules.1.where': ['Unknown property'], 'rule.rules': ['x'], rule: ['A rule may have at most 100 nodes'] }, t);
    assert.deepEqual(byNode.get('rule.rules.0')?.props.value, ['Not one of the choices: gold, silver']);
    assert.deepEqual(byNode.get('rule.rules.1'), { node: [], props: { where: ['Unknown property'] } }, 'kept by property; the editor shows those without an input at the node');
    assert.deepEqual(byNode.get('rule'), { node: ['x', 'A rule may have at most 100 nodes'], props: {} });
  });

  it('a refused condition type is an error on its type; errors for nodes no longer on screen are unplaced', () => {
    const t: GroupNode = { op: 'and', rules: [{ type: 'consent', channel: 'email', op: 'granted' }] };
    const { byNode, unplaced } = placeErrors({ 'rule.rules.0.type': ['Consent conditions are not available yet'], 'rule.rules.4.value': ['gone'] }, t);
    assert.deepEqual(byNode.get('rule.rules.0')?.props.type, ['Consent conditions are not available yet']);
    assert.deepEqual(unplaced, ['gone']);
  });
});

describe('condition catalog', () => {
  it('a fresh condition of every type has the properties its inputs ask for', () => {
    for (const spec of CONDITIONS) {
      const c = newCondition(spec.type, ctx);
      const props = spec.inputs(c, ctx).filter((i) => !i.optional).map((i) => i.prop);
      assert.deepEqual(Object.keys(c).sort(), ['type', ...props].sort(), spec.type);
      assert.deepEqual(reshape(c, ctx), c, `${spec.type} is stable`);
    }
  });

  it('changing a field brings its own operators and value, and drops what no longer applies', () => {
    let c = newCondition('profile', ctx);
    assert.deepEqual(c, { type: 'profile', field: 'kind', op: 'eq', value: 'person' });
    c = setProp(c, 'field', 'created_at', ctx);
    assert.deepEqual(c, { type: 'profile', field: 'created_at', op: 'within_last_days', days: 30 });
    c = setProp(c, 'op', 'before', ctx);
    assert.deepEqual(c, { type: 'profile', field: 'created_at', op: 'before', value: '' });
    c = setProp(setProp(newCondition('profile', ctx), 'field', 'locale', ctx), 'op', 'is_set', ctx);
    assert.deepEqual(c, { type: 'profile', field: 'locale', op: 'is_set' });
    // A number keeps its value only while it means the same: days to orders starts afresh, money to money does not.
    const days = setProp(newCondition('order_figures', ctx), 'value', 45, ctx);
    assert.deepEqual(setProp(days, 'field', 'order_count', ctx), { type: 'order_figures', field: 'order_count', op: 'gte', value: 30 });
    const spent = setProp(setProp(days, 'field', 'total_minor', ctx), 'value', 25_000, ctx);
    assert.equal(spent.value, 25_000);
    assert.equal(setProp(spent, 'field', 'avg_minor', ctx).value, 25_000);
  });

  it('activity conditions ask for a count only with "at least"', () => {
    const c = newCondition('purchases', ctx);
    assert.deepEqual(c, { type: 'purchases', op: 'at_least', count: 1, withinDays: 30 });
    assert.deepEqual(setProp(c, 'op', 'none', ctx), { type: 'purchases', op: 'none', withinDays: 30 });
  });

  it('custom attributes take operators and values by their type', () => {
    let c = newCondition('attribute', ctx);
    assert.deepEqual(c, { type: 'attribute', key: 'shoe_size', op: 'gte', value: 0 });
    c = setProp(c, 'key', 'tier', ctx);
    assert.deepEqual(c, { type: 'attribute', key: 'tier', op: 'in', value: [] });
    assert.deepEqual(missingProps(c, ctx), ['value']);
    assert.deepEqual(setProp(c, 'value', ['gold', 'nope'], ctx).value, [], 'a value outside the choices does not stay');
  });

  it('an optional channel is left out when empty; a segment never offers itself', () => {
    const c = newCondition('last_contact', ctx);
    assert.equal('channel' in c, false);
    assert.equal(setProp(c, 'channel', 'sms', ctx).channel, 'sms');
    assert.equal('channel' in setProp(setProp(c, 'channel', 'sms', ctx), 'channel', '', ctx), false);
    assert.deepEqual(newCondition('segment', ctx), { type: 'segment', op: 'in', segmentId: 'other' });
    const alone = { ...ctx, segments: [{ id: 'self', name: 'x' }], attributes: [] };
    const offered = offeredConditions(alone).map((s) => s.type);
    assert.ok(!offered.includes('segment') && !offered.includes('attribute') && !offered.includes('consent'));
    assert.ok(offered.includes('tag') && offered.includes('purchases'));
  });

  it('payments: a share in percent, days, or an amount due in minor units, each with its own bounds', () => {
    let c = newCondition('payments', ctx);
    assert.deepEqual(c, { type: 'payments', field: 'on_time_percent', op: 'gte', value: 90 });
    const input = (x: typeof c) => specFor('payments')!.inputs(x, ctx).find((i) => i.prop === 'value')!;
    assert.equal(input(c).unitKey, 'segments.unit.percent');
    assert.deepEqual(boundsProblem(input(c), 101, 'EUR'), { key: 'segments.field.numberRange', min: 0, max: 100 });
    assert.equal(boundsProblem(input(c), 99.5, 'EUR'), null, 'a share may have decimals');
    assert.deepEqual(setProp(c, 'field', 'amount_due_minor', ctx), { type: 'payments', field: 'amount_due_minor', op: 'gte', value: 10_000 }, '90 % does not become 0.90 EUR');
    c = setProp(setProp(c, 'field', 'days_overdue', ctx), 'value', 20, ctx);
    assert.equal(setProp(c, 'field', 'average_days_late', ctx).value, 20, 'days stay days');
    assert.deepEqual(c, { type: 'payments', field: 'days_overdue', op: 'gte', value: 20 });
    assert.deepEqual(boundsProblem(input(c), 2.5, 'EUR'), { key: 'segments.field.wholeRange', min: 0, max: 36_500 });
    assert.equal(boundsProblem(input(setProp(c, 'field', 'average_days_late', ctx)), 2.5, 'EUR'), null, 'an average may have decimals');
    c = setProp(c, 'field', 'amount_due_minor', ctx);
    assert.equal(input(c).kind, 'money', 'entered in major units, as the order figures’ money');
    assert.deepEqual(boundsProblem(input(c), 1e12 + 1, 'EUR'), { key: 'segments.field.numberRange', min: 0, max: 1e10 });
    c = setProp(c, 'value', toMinor(250, 'EUR'), ctx);
    assert.deepEqual(c, { type: 'payments', field: 'amount_due_minor', op: 'gte', value: 25_000 });
    assert.ok(ruleSchema.safeParse(c).success);
    assert.deepEqual(missingProps(setProp(c, 'value', '', ctx), ctx), ['value']);
    assert.ok(offeredConditions(ctx).some((s) => s.type === 'payments'), 'offered in every workspace');
  });

  it('money is entered in major units and sent in minor units of the currency', () => {
    assert.equal(toMinor(12.5, 'EUR'), 1250);
    assert.equal(toMinor(1200, 'JPY'), 1200);
    assert.equal(fromMinor(1999, 'EUR'), 19.99);
  });

  it('every label key of the catalog exists in the English texts', () => {
    // English as i18n/index.ts merges it: en.json plus one file per capability (insights adds conditions here).
    const dir = new URL('../../web/src/i18n/locales/en/', import.meta.url);
    const en = Object.assign(
      JSON.parse(readFileSync(new URL('../en.json', dir), 'utf8')),
      ...readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8'))),
    );
    const has = (key: string) => typeof key.split('.').reduce<any>((o, k) => o?.[k], en) === 'string';
    const missing = new Set<string>();
    const probe = (c: any) => {
      for (const spec of CONDITIONS) {
        if (!has(spec.labelKey)) missing.add(spec.labelKey);
      }
      const spec = CONDITIONS.find((s) => s.type === c.type)!;
      for (const input of spec.inputs(c, ctx)) {
        for (const k of [input.labelKey, input.unitKey, ...(input.options ?? []).map((o) => o.labelKey)]) if (k && !has(k)) missing.add(k);
        // Walk every option of every select so each variant's keys are checked.
        if (input.kind === 'select') for (const o of input.options ?? []) if (c[input.prop] !== o.value && input.prop !== 'key' && input.prop !== 'segmentId') probeOnce(setProp(c, input.prop, o.value, ctx));
      }
    };
    const seen = new Set<string>();
    const probeOnce = (c: any) => {
      const k = JSON.stringify(c);
      if (seen.has(k)) return;
      seen.add(k);
      probe(c);
    };
    for (const spec of CONDITIONS) probeOnce(newCondition(spec.type, ctx));
    for (const key of ['shoe_size', 'tier']) probeOnce(setProp(newCondition('attribute', ctx), 'key', key, ctx));
    assert.ok(seen.size > 40, `walked the variants (${seen.size})`);
    assert.deepEqual([...missing], []);
  });
});

describe('what keeps a rule from being sent', () => {
  it('names empty groups and values left to fill, as error keys', () => {
    const t: GroupNode = { op: 'and', rules: [{ type: 'tag', op: 'has', value: '' }, { op: 'or', rules: [] }, { not: { type: 'purchases', op: 'at_least', count: '', withinDays: 30 } }] };
    assert.deepEqual(incomplete(t, ctx), ['rule.rules.0.value', 'rule.rules.1.rules', 'rule.rules.2.not.count']);
    assert.deepEqual(incomplete(tree(), ctx), []);
  });

  it('refuses numbers out of range before sending, naming the bounds in the unit the form shows', () => {
    const t: GroupNode = {
      op: 'and',
      rules: [
        { type: 'purchases', op: 'at_least', count: 1e20, withinDays: 2.5 },
        { type: 'order_figures', field: 'total_minor', op: 'gte', value: 1e20 },
        { type: 'valuable', op: 'top_percent', percent: 0, withinDays: 30 },
        { type: 'valuable', op: 'top_percent', percent: 0.5, withinDays: 30 },
        { type: 'attribute', key: 'shoe_size', op: 'gt', value: 1e300 },
      ],
    };
    assert.deepEqual(outOfBounds(t, ctx), [
      { field: 'rule.rules.0.count', key: 'segments.field.wholeRange', min: 1, max: 1_000_000 },
      { field: 'rule.rules.0.withinDays', key: 'segments.field.wholeRange', min: 1, max: 36_500 },
      { field: 'rule.rules.1.value', key: 'segments.field.numberRange', min: 0, max: fromMinor(Number.MAX_SAFE_INTEGER, 'EUR') },
      { field: 'rule.rules.2.percent', key: 'segments.field.aboveRange', min: 0, max: 100 },
    ]);
    assert.deepEqual(outOfBounds(tree(), ctx), []);
  });

  it('the form’s bounds are the server’s: what the form lets through the server takes, and what it stops the server refuses', () => {
    const samples: Array<Record<string, unknown>> = [
      { type: 'profile', field: 'created_at', op: 'within_last_days', days: 30 },
      { type: 'profile', field: 'birthday', op: 'within_next_days', days: 7 },
      { type: 'purchases', op: 'at_least', count: 1, withinDays: 30 },
      { type: 'event', name: 'Signed Up', op: 'at_least', count: 1, withinDays: 30 },
      { type: 'store_visits', op: 'none', withinDays: 30 },
      { type: 'last_contact', op: 'within_last_days', days: 30 },
      { type: 'order_figures', field: 'order_count', op: 'gte', value: 3 },
      { type: 'order_figures', field: 'avg_minor', op: 'gte', value: 1000 },
      { type: 'rfm', field: 'm', op: 'gte', value: 4 },
      { type: 'valuable', op: 'top_n', count: 10, withinDays: 365 },
      { type: 'valuable', op: 'top_percent', percent: 10, withinDays: 365 },
      { type: 'payments', field: 'on_time_percent', op: 'lt', value: 80 },
      { type: 'payments', field: 'average_days_late', op: 'gte', value: 3.5 },
      { type: 'payments', field: 'days_overdue', op: 'gte', value: 20 },
      { type: 'payments', field: 'amount_due_minor', op: 'gt', value: 50_000 },
    ];
    // Where the form is deliberately narrower than the server (which takes any payments figure
    // from 0 to 10^12): no share is above 100 %, and no debt is more than a century overdue or a
    // fraction of a day overdue. The form still never lets through what the server refuses.
    const narrower = new Set(['on_time_percent', 'average_days_late', 'days_overdue'].map((f) => `payments.${f}`));
    let checked = 0;
    for (const sample of samples) {
      for (const input of specFor(sample.type as string)!.inputs(sample as any, ctx).filter((i) => i.kind === 'number' || i.kind === 'money')) {
        assert.ok(input.min !== undefined && input.max !== undefined, `${sample.type}.${input.prop} has bounds`);
        const low = input.minExclusive ? input.min! + 0.5 : input.min!;
        const cases: Array<[number, boolean]> = [[low, true], [input.max!, true], [input.min! - 1, false], [input.max! + 1, false], [input.minExclusive ? input.min! : NaN, false]];
        if (input.whole) cases.push([input.min! + 0.5, false]);
        for (const [v, ok] of cases) {
          if (Number.isNaN(v)) continue;
          const rule = { op: 'and' as const, rules: [{ ...sample, [input.prop]: v }] };
          const what = `${JSON.stringify(sample)} ${input.prop}=${v}`;
          const formOk = outOfBounds(rule as GroupNode, ctx).length === 0;
          assert.equal(formOk, ok, `form: ${what}`);
          if (narrower.has(`${sample.type}.${sample.field}`) && v >= input.min! && !formOk) continue;
          assert.equal(ruleSchema.safeParse(rule).success, ok, `server: ${what}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 70, `${checked} cases`);
  });
});

describe('health figures', () => {
  const seg = (lagSeconds: number | null, kind: 'dynamic' | 'static' = 'dynamic') => ({
    kind,
    health: { size: 1, lastBuiltAt: lagSeconds === null ? null : '2024-01-01T00:00:00Z', lastBuildMs: 5, lastEntered: 0, lastExited: 0, lagSeconds },
  });
  it('calls a segment stale once builds are twice the schedule late', () => {
    assert.equal(healthState(seg(null)), 'never_built');
    assert.equal(healthState(seg(STALE_AFTER_SECONDS)), 'fresh');
    assert.equal(healthState(seg(STALE_AFTER_SECONDS + 1)), 'stale');
    assert.equal(healthState(seg(null, 'static')), 'static');
  });
  it('shows a lag in a readable unit', () => {
    assert.deepEqual(lagParts(42), { value: 42, unit: 'second' });
    assert.deepEqual(lagParts(600), { value: 10, unit: 'minute' });
    assert.deepEqual(lagParts(7300), { value: 2, unit: 'hour' });
    assert.deepEqual(lagParts(200_000), { value: 2, unit: 'day' });
  });
  it('works the size at the end of each day back from the size now', () => {
    const days = [
      { day: '2024-01-01', entered: 5, exited: 0 },
      { day: '2024-01-02', entered: 0, exited: 2 },
      { day: '2024-01-03', entered: 1, exited: 0 },
    ];
    assert.deepEqual(sizeByDay({ timeZone: 'UTC', size: 10, days }), [11, 9, 10]);
  });
});

it('knows when a dynamic segment waits for the build of a new rule, and polls for it sooner', () => {
  const health = (lastBuiltAt: string | null) => ({ size: 0, lastBuiltAt, lastBuildMs: null, lastEntered: null, lastExited: null, lagSeconds: null });
  const edited = { kind: 'dynamic' as const, updatedAt: '2026-01-01T10:00:05.000Z', health: health('2026-01-01T10:00:00.000Z') };
  const built = { ...edited, health: health('2026-01-01T10:00:06.000Z') };
  assert.equal(awaitingBuild({ ...edited, health: health(null) }), true, 'never built');
  assert.equal(awaitingBuild(edited), true, 'the rule is newer than the build');
  assert.equal(awaitingBuild(built), false);
  assert.equal(awaitingBuild({ ...edited, kind: 'static' }), false, 'a static list has no builds');
  assert.equal(detailRefetchMs(edited), AWAITING_BUILD_POLL_MS);
  assert.equal(detailRefetchMs(built), BUILT_POLL_MS);
  assert.equal(detailRefetchMs({ ...edited, kind: 'static' }), false);
  assert.equal(detailRefetchMs(undefined), false);
});
