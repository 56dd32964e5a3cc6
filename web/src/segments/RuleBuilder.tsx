import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newCondition, offeredConditions, type CatalogContext } from './catalog.ts';
import { ConditionEditor } from './ConditionEditor.tsx';
import { appendTo, describePath, isCondition, isGroup, isNot, nodeKey, removeAt, setGroupOp, toggleNot, updateAt, type Path, type PlacedErrors } from './rules.ts';
import type { GroupNode, RuleNode } from './types.ts';

// The nested builder: groups (all / any of), NOT, conditions. The whole tree is one value owned by
// the page; every edit goes through the pure helpers in rules.ts.

const MAX_DEPTH = 8;

interface Shared {
  root: GroupNode;
  ctx: CatalogContext;
  tags: string[];
  errors: PlacedErrors;
  onChange(root: GroupNode): void;
}

export function RuleBuilder(props: Shared) {
  return <GroupEditor {...props} path={[]} group={props.root} depth={1} />;
}

function NodeMessages({ messages }: { messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <ul className="mt-1 space-y-0.5" role="alert">
      {messages.map((m, i) => (
        <li key={i} className="field-error mt-0">
          {m}
        </li>
      ))}
    </ul>
  );
}

function GroupEditor(props: Shared & { path: Path; group: GroupNode; depth: number; negated?: boolean }) {
  const { t } = useTranslation();
  const { path, group, ctx, root } = props;
  const id = useId();
  const offered = offeredConditions(ctx);
  const [nextType, setNextType] = useState(offered[0]?.type ?? 'tag');
  const edit = (next: RuleNode) => props.onChange(next as GroupNode);
  const errs = props.errors.byNode.get(nodeKey(path));
  const groupMessages = [...(errs?.node ?? []), ...Object.values(errs?.props ?? {}).flat()];
  const isRoot = path.length === 0;
  const label = isRoot ? t('segments.builder.rootGroup') : t('segments.builder.group');

  return (
    <fieldset
      className={`rounded-md p-3 ring-1 ${groupMessages.length ? 'ring-rose-400' : 'ring-slate-200'} ${props.depth % 2 ? 'bg-slate-50' : 'bg-white'}`}
      aria-invalid={groupMessages.length ? true : undefined}
    >
      <legend className="sr-only">{label}</legend>
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-op`} className="text-sm font-medium text-slate-700">
          {t('segments.builder.match')}
        </label>
        <select id={`${id}-op`} className="input w-auto" value={group.op} onChange={(e) => edit(setGroupOp(root, path, e.target.value as 'and' | 'or'))}>
          <option value="and">{t('segments.builder.all')}</option>
          <option value="or">{t('segments.builder.any')}</option>
        </select>
      </div>
      <NodeMessages messages={groupMessages} />
      {group.rules.length === 0 && <p className="py-2 text-sm text-slate-500">{t('segments.builder.emptyGroup')}</p>}
      <ol className="space-y-2">
        {group.rules.map((child, i) => (
          <li key={i}>
            <NodeEditor {...props} path={[...path, 'rules', i]} node={child} index={i} op={group.op} />
          </li>
        ))}
      </ol>
      <div className="mt-3 flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor={`${id}-add`} className="mb-0.5 block text-xs font-medium text-slate-600">
            {t('segments.builder.conditionType')}
          </label>
          <select id={`${id}-add`} className="input w-auto" value={nextType} onChange={(e) => setNextType(e.target.value)}>
            {offered.map((s) => (
              <option key={s.type} value={s.type}>
                {t(s.labelKey)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="btn-secondary" onClick={() => edit(appendTo(root, path, newCondition(nextType, ctx)))}>
          {t('segments.builder.addCondition')}
        </button>
        {props.depth < MAX_DEPTH - 1 && (
          <button type="button" className="btn-ghost" onClick={() => edit(appendTo(root, path, { op: group.op === 'and' ? 'or' : 'and', rules: [newCondition(nextType, ctx)] }))}>
            {t('segments.builder.addGroup')}
          </button>
        )}
      </div>
    </fieldset>
  );
}

/** A child of a group: a condition or a group, possibly under NOT, with its own remove and NOT controls. */
function NodeEditor(props: Shared & { path: Path; node: RuleNode; index: number; op: 'and' | 'or'; depth: number }) {
  const { t } = useTranslation();
  const { path, node, root, ctx } = props;
  const negated = isNot(node);
  const inner = negated ? node.not : node;
  const innerPath = negated ? [...path, 'not'] : path;
  const errs = props.errors.byNode.get(nodeKey(innerPath));
  const outerErrs = negated ? props.errors.byNode.get(nodeKey(path)) : undefined;
  const edit = (next: RuleNode) => props.onChange(next as GroupNode);
  const number = t('segments.builder.nodeNumber', { n: describePath(path) });
  const kind = isGroup(inner) ? t('segments.builder.group') : t('segments.builder.condition');
  const invalid = Boolean(errs?.node.length || Object.keys(errs?.props ?? {}).length || outerErrs?.node.length);

  return (
    <div
      role="group"
      aria-label={`${kind} ${number}`}
      data-rule-path={nodeKey(innerPath)}
      className={`rounded-md p-2 ${invalid && !isGroup(inner) ? 'bg-rose-50 ring-1 ring-rose-300' : ''}`}
    >
      <div className="mb-1 flex flex-wrap items-center gap-3 text-xs">
        {props.index > 0 && <span className="badge">{props.op === 'and' ? t('segments.builder.and') : t('segments.builder.or')}</span>}
        <label className="inline-flex items-center gap-1.5 text-slate-700">
          <input type="checkbox" checked={negated} onChange={() => edit(toggleNot(root, path))} />
          {t('segments.builder.not')}
        </label>
        <button type="button" className="btn-ghost px-2 py-0.5 text-xs text-rose-700" onClick={() => edit(removeAt(root, path))} aria-label={t('segments.builder.removeNode', { what: `${kind} ${number}` })}>
          {t('segments.builder.remove')}
        </button>
      </div>
      <NodeMessages messages={outerErrs?.node} />
      {isGroup(inner) ? (
        <GroupEditor {...props} path={innerPath} group={inner} depth={props.depth + 1} negated={negated} />
      ) : isCondition(inner) ? (
        <>
          <ConditionEditor value={inner} ctx={ctx} tags={props.tags} errors={errs} onChange={(c) => edit(updateAt(root, innerPath, () => c))} />
          <NodeMessages messages={errs?.node} />
        </>
      ) : (
        // A NOT directly under a NOT, or a node of unknown shape: shown, removable, not editable.
        <>
          <pre className="overflow-x-auto rounded bg-slate-100 p-2 text-xs" dir="ltr">
            {JSON.stringify(inner)}
          </pre>
          <NodeMessages messages={errs?.node} />
        </>
      )}
    </div>
  );
}
