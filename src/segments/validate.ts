import type { z } from 'zod';
import { ValidationError, type FieldErrors } from '../platform/errors.ts';
import type { AttributeType } from '../contacts/tables.ts';
import { attributeValues, conditionSchemas, MAX_RULE_DEPTH, MAX_RULE_NODES, profileConditions, type Rule } from './schema.ts';

// Checks a rule tree node by node so every error names the JSON path of the bad node
// (e.g. `rule.rules.2.value`), the way the UI builder can highlight it. Lookups into the
// allow-lists use Object.hasOwn: a field named "constructor" or "__proto__" is just unknown.

export interface RuleContext {
  attributes: Map<string, { type: AttributeType; choices: string[] | null }>;
  /** Segments of the workspace: id → the segments its rule refers to. */
  segments: Map<string, { dependsOn: string[] }>;
  /** Clusters of the workspace (any run): id → whether its run stored the centre rules classify by. */
  clusters?: Map<string, { hasCenter: boolean }>;
  /** The segment being saved, if any: referring back to it (directly or not) is a cycle. */
  selfId?: string;
}

export interface ValidRule {
  rule: Rule;
  segmentRefs: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateRule(input: unknown, ctx: RuleContext, root = 'rule'): ValidRule {
  const errors: FieldErrors = {};
  const add = (path: string, msg: string) => (errors[path] ??= []).push(msg);
  const refs = new Set<string>();
  let nodes = 0;

  function zodInto(schema: z.ZodType, node: unknown, path: string): unknown {
    const options = (schema as unknown as { options?: z.ZodType[] }).options ?? [schema];
    let first: z.ZodError | undefined;
    let preferred: z.ZodError | undefined;
    for (const option of options) {
      const r = option.safeParse(node);
      if (r.success) return r.data;
      // Report the variant whose operator matched, else the first: "value must be a number" beats "invalid union".
      const opWrong = r.error.issues.some((i) => i.path[0] === 'op');
      first ??= r.error;
      if (!opWrong) preferred ??= r.error;
    }
    for (const issue of (preferred ?? first)!.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) add(`${path}.${k}`, 'Unknown property');
      } else add([path, ...issue.path.map(String)].join('.'), issue.message);
    }
    return undefined;
  }

  function walk(node: unknown, path: string, depth: number): Rule | undefined {
    if (++nodes > MAX_RULE_NODES) {
      if (nodes === MAX_RULE_NODES + 1) add(root, `A rule may have at most ${MAX_RULE_NODES} nodes`);
      return undefined;
    }
    if (depth > MAX_RULE_DEPTH) {
      add(path, `Rules may nest at most ${MAX_RULE_DEPTH} levels`);
      return undefined;
    }
    if (!isObject(node)) {
      add(path, 'Expected a rule object');
      return undefined;
    }
    if (Object.hasOwn(node, 'not')) {
      for (const k of Object.keys(node)) if (k !== 'not') add(`${path}.${k}`, 'Unknown property');
      const inner = walk(node.not, `${path}.not`, depth + 1);
      return inner && { not: inner };
    }
    if (Object.hasOwn(node, 'rules') || node.op === 'and' || node.op === 'or') {
      for (const k of Object.keys(node)) if (k !== 'op' && k !== 'rules') add(`${path}.${k}`, 'Unknown property');
      if (node.op !== 'and' && node.op !== 'or') add(`${path}.op`, "Expected 'and' or 'or'");
      if (!Array.isArray(node.rules) || node.rules.length === 0) {
        add(`${path}.rules`, 'Expected a non-empty list of rules');
        return undefined;
      }
      const rules = node.rules.map((r, i) => walk(r, `${path}.rules.${i}`, depth + 1));
      return rules.every(Boolean) ? { op: node.op as 'and' | 'or', rules: rules as Rule[] } : undefined;
    }
    return condition(node, path);
  }

  function condition(node: Json, path: string): Rule | undefined {
    const type = node.type;
    if (type === 'profile') {
      const field = node.field;
      if (typeof field !== 'string' || !Object.hasOwn(profileConditions, field)) {
        add(`${path}.field`, `Unknown profile field; use one of ${Object.keys(profileConditions).join(', ')}`);
        return undefined;
      }
      return zodInto(profileConditions[field as keyof typeof profileConditions], node, path) as Rule | undefined;
    }
    if (typeof type !== 'string' || !Object.hasOwn(conditionSchemas, type)) {
      add(`${path}.type`, `Unknown condition type; use one of profile, ${Object.keys(conditionSchemas).join(', ')}`);
      return undefined;
    }
    const parsed = zodInto(conditionSchemas[type as keyof typeof conditionSchemas], node, path) as Rule | undefined;
    if (!parsed || !('type' in parsed)) return parsed;
    switch (parsed.type) {
      case 'consent':
        add(`${path}.type`, 'Consent conditions are not available yet: Rapport does not record consent per channel so far');
        return undefined;
      case 'attribute':
        return attribute(parsed, path) ? parsed : undefined;
      case 'segment': {
        if (!ctx.segments.has(parsed.segmentId)) {
          add(`${path}.segmentId`, 'No such segment');
          return undefined;
        }
        if (ctx.selfId && reaches(parsed.segmentId, ctx.selfId)) {
          add(`${path}.segmentId`, 'This segment refers back to the one being saved: segments may not refer to each other in a cycle');
          return undefined;
        }
        refs.add(parsed.segmentId);
        return parsed;
      }
      case 'cluster': {
        const cluster = ctx.clusters?.get(parsed.clusterId);
        if (!cluster) {
          add(`${path}.clusterId`, 'No such cluster');
          return undefined;
        }
        if (!cluster.hasCenter) {
          add(`${path}.clusterId`, 'This cluster comes from a grouping made before clusters could be used in rules; run the grouping again');
          return undefined;
        }
        return parsed;
      }
      default:
        return parsed;
    }
  }

  function attribute(c: Extract<Rule, { type: 'attribute' }>, path: string): boolean {
    const def = ctx.attributes.get(c.key);
    if (!def) {
      add(`${path}.key`, 'No such custom attribute');
      return false;
    }
    if (c.op === 'is_set' || c.op === 'is_not_set' || c.op === 'within_last_days') {
      if (c.op === 'within_last_days' && def.type !== 'date') add(`${path}.op`, `within_last_days applies to date attributes, not ${def.type}`);
      if (c.op === 'within_last_days' && c.days === undefined) add(`${path}.days`, 'Required');
      if (c.value !== undefined) add(`${path}.value`, 'Not expected with this operator');
      return !errors[`${path}.op`] && !errors[`${path}.days`] && !errors[`${path}.value`];
    }
    if (c.days !== undefined) add(`${path}.days`, 'Not expected with this operator');
    const byOp = attributeValues[def.type] as Record<string, z.ZodType>;
    if (!Object.hasOwn(byOp, c.op)) {
      add(`${path}.op`, `Operator ${c.op} does not apply to a ${def.type} attribute; use one of ${Object.keys(byOp).join(', ')}`);
      return false;
    }
    const r = byOp[c.op].safeParse(c.value);
    if (!r.success) {
      for (const issue of r.error.issues) add([`${path}.value`, ...issue.path.map(String)].join('.'), issue.message);
      return false;
    }
    if (def.type === 'choice') {
      (c.value as string[]).forEach((v, i) => {
        if (!def.choices?.includes(v)) add(`${path}.value.${i}`, `Not one of the choices: ${(def.choices ?? []).join(', ')}`);
      });
    }
    return !errors[`${path}.days`] && !Object.keys(errors).some((k) => k.startsWith(`${path}.value`));
  }

  /** Whether `from` depends on `target`, following stored references. */
  function reaches(from: string, target: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const id = stack.pop()!;
      if (id === target) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(ctx.segments.get(id)?.dependsOn ?? []));
    }
    return false;
  }

  const rule = walk(input, root, 1);
  if (Object.keys(errors).length > 0 || !rule) {
    if (Object.keys(errors).length === 0) add(root, 'Invalid rule');
    throw new ValidationError('Invalid segment rule', errors);
  }
  return { rule, segmentRefs: [...refs] };
}
