import { boundsProblem, missingProps, specFor, type BoundsProblem, type CatalogContext } from './catalog.ts';
import type { ConditionNode, GroupNode, NotNode, RuleNode } from './types.ts';

// Editing a rule tree without mutating it, and placing the server's field errors (keyed by JSON
// path, e.g. `rule.rules.2.value`) beside the node and input they name. A node is addressed by its
// path from the root: ['rules', 2] or ['rules', 0, 'not'].

export type Path = Array<string | number>;

export const isGroup = (n: RuleNode): n is GroupNode => 'rules' in n && Array.isArray((n as GroupNode).rules);
export const isNot = (n: RuleNode): n is NotNode => 'not' in n;
export const isCondition = (n: RuleNode): n is ConditionNode => !isGroup(n) && !isNot(n) && typeof (n as ConditionNode).type === 'string';

/** The error key of a node: what the server calls it in `error.fields`. */
export const nodeKey = (path: Path) => ['rule', ...path].join('.');

/** The builder always edits a group at the root, so "add condition" has a place to go. */
export function asRootGroup(rule: RuleNode | null | undefined): GroupNode {
  if (!rule) return { op: 'and', rules: [] };
  return isGroup(rule) ? rule : { op: 'and', rules: [rule] };
}

export function getAt(root: RuleNode, path: Path): RuleNode | undefined {
  let cur: unknown = root;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur as RuleNode | undefined;
}

/** A copy of `root` with the node at `path` replaced by `fn(node)`. */
export function updateAt(root: RuleNode, path: Path, fn: (n: RuleNode) => RuleNode): RuleNode {
  if (path.length === 0) return fn(root);
  const [step, ...rest] = path;
  if (step === 'not' && isNot(root)) return { not: updateAt(root.not, rest, fn) };
  if (step === 'rules' && isGroup(root)) {
    const [index, ...deeper] = rest;
    return { ...root, rules: root.rules.map((r, i) => (i === index ? updateAt(r, deeper, fn) : r)) };
  }
  throw new Error(`No rule node at ${nodeKey(path)}`);
}

/** Removes a node from its group; removing what a NOT holds removes the NOT. The root stays. */
export function removeAt(root: RuleNode, path: Path): RuleNode {
  if (path.length === 0) return root;
  if (path[path.length - 1] === 'not') return removeAt(root, path.slice(0, -1));
  const index = path[path.length - 1] as number;
  const groupPath = path.slice(0, -2);
  return updateAt(root, groupPath, (g) => (isGroup(g) ? { ...g, rules: g.rules.filter((_, i) => i !== index) } : g));
}

export function appendTo(root: RuleNode, groupPath: Path, node: RuleNode): RuleNode {
  return updateAt(root, groupPath, (g) => (isGroup(g) ? { ...g, rules: [...g.rules, node] } : g));
}

/** Wraps a node in NOT, or unwraps it when it already is one. */
export function toggleNot(root: RuleNode, path: Path): RuleNode {
  return updateAt(root, path, (n) => (isNot(n) ? n.not : { not: n }));
}

export function setGroupOp(root: RuleNode, path: Path, op: 'and' | 'or'): RuleNode {
  return updateAt(root, path, (g) => (isGroup(g) ? { ...g, op } : g));
}

/** Paths of every node, depth first (root first). */
export function allPaths(root: RuleNode, path: Path = []): Path[] {
  const out: Path[] = [path];
  if (isNot(root)) out.push(...allPaths(root.not, [...path, 'not']));
  else if (isGroup(root)) root.rules.forEach((r, i) => out.push(...allPaths(r, [...path, 'rules', i])));
  return out;
}

/**
 * What still keeps the rule from being sent: empty groups and conditions with a value left to
 * fill, as error keys like the server's (`rule.rules.1.value`, `rule.rules.0.rules`).
 */
export function incomplete(root: RuleNode, ctx: CatalogContext): string[] {
  const out: string[] = [];
  for (const path of allPaths(root)) {
    const n = getAt(root, path)!;
    if (isGroup(n) && n.rules.length === 0) out.push(`${nodeKey(path)}.rules`);
    else if (isCondition(n)) for (const prop of missingProps(n, ctx)) out.push(`${nodeKey(path)}.${prop}`);
  }
  return out;
}

/** Numbers out of the range the server takes, by error key (`rule.rules.1.count`), checked before anything is sent. */
export function outOfBounds(root: RuleNode, ctx: CatalogContext): Array<BoundsProblem & { field: string }> {
  const out: Array<BoundsProblem & { field: string }> = [];
  for (const path of allPaths(root)) {
    const n = getAt(root, path)!;
    if (!isCondition(n)) continue;
    for (const input of specFor(n.type)?.inputs(n, ctx) ?? []) {
      const problem = boundsProblem(input, n[input.prop], ctx.currency);
      if (problem) out.push({ ...problem, field: `${nodeKey(path)}.${input.prop}` });
    }
  }
  return out;
}

export interface NodeErrors {
  /** About the node as a whole (a wrong shape, an unknown property, an empty group). */
  node: string[];
  /** By the condition's property: shown beside its input. */
  props: Record<string, string[]>;
}

export interface PlacedErrors {
  byNode: Map<string, NodeErrors>;
  /** Errors naming no node of the current tree (it changed since they were sent). */
  unplaced: string[];
}

/**
 * Places field errors on the deepest node their path names. `rule.rules.2.value.0` is the `value`
 * input of node `rule.rules.2`; `rule.rules` is the root group's list; `rule.not` is the node
 * under a NOT. Keys outside `rule` are ignored (they belong to other fields of the form).
 */
export function placeErrors(fields: Record<string, string[]> | undefined, root: RuleNode): PlacedErrors {
  const byNode = new Map<string, NodeErrors>();
  const unplaced: string[] = [];
  const slot = (key: string) => {
    let e = byNode.get(key);
    if (!e) byNode.set(key, (e = { node: [], props: {} }));
    return e;
  };
  for (const [key, messages] of Object.entries(fields ?? {})) {
    const parts = key.split('.');
    if (parts[0] !== 'rule') continue;
    const path: Path = [];
    let node: RuleNode | undefined = root;
    let i = 1;
    for (;;) {
      if (node && isGroup(node) && parts[i] === 'rules' && i + 1 < parts.length && /^\d+$/.test(parts[i + 1])) {
        const index = Number(parts[i + 1]);
        path.push('rules', index);
        node = node.rules[index];
        i += 2;
      } else if (node && isNot(node) && parts[i] === 'not') {
        path.push('not');
        node = node.not;
        i += 1;
      } else break;
    }
    if (!node) {
      unplaced.push(...messages);
      continue;
    }
    const prop = parts[i];
    const e = slot(nodeKey(path));
    if (prop === undefined) e.node.push(...messages);
    else if (isCondition(node) && prop in node) (e.props[prop] ??= []).push(...messages);
    else e.node.push(...messages);
  }
  return { byNode, unplaced };
}

/** A node's number as people read it: the third item of the second group is "2.3". */
export function describePath(path: Path): string {
  return path.filter((p) => typeof p === 'number').map((n) => (n as number) + 1).join('.');
}
