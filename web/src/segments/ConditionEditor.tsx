import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { fromMinor, newCondition, offeredConditions, setProp, specFor, toMinor, type CatalogContext, type Input } from './catalog.ts';
import type { NodeErrors } from './rules.ts';
import type { ConditionNode } from './types.ts';

/** One condition: its type, then the inputs the catalog asks for, each with its error beside it. */
export function ConditionEditor(props: {
  value: ConditionNode;
  ctx: CatalogContext;
  tags: string[];
  errors?: NodeErrors;
  onChange(next: ConditionNode): void;
}) {
  const { value, ctx, errors } = props;
  const { t } = useTranslation();
  const id = useId();
  const spec = specFor(value.type);
  const inputs = spec?.inputs(value, ctx) ?? [];
  const offered = offeredConditions(ctx);
  const types = offered.some((s) => s.type === value.type) ? offered : [...offered, ...(spec ? [spec] : [])];
  // `type` errors (a refused condition) sit by the type; properties with no input (unknown ones) by the node.
  const shown = new Set(['type', ...inputs.map((i) => i.prop)]);
  const typeErrors = errors?.props.type ?? [];
  const stray = Object.entries(errors?.props ?? {}).filter(([p]) => !shown.has(p)).flatMap(([p, m]) => m.map((x) => `${p}: ${x}`));

  return (
    <div className="flex flex-wrap items-start gap-2">
      <InputBox id={`${id}-type`} label={t('segments.input.type')} error={typeErrors[0]}>
        {(a) => (
          <select {...a} className={`input ${typeErrors.length ? 'input-invalid' : ''}`} value={value.type} onChange={(e) => props.onChange(newCondition(e.target.value, ctx))}>
            {types.map((s) => (
              <option key={s.type} value={s.type}>
                {t(s.labelKey)}
              </option>
            ))}
            {!spec && <option value={value.type}>{value.type}</option>}
          </select>
        )}
      </InputBox>
      {inputs.map((input) => (
        <ConditionInput
          key={input.prop}
          id={`${id}-${input.prop}`}
          input={input}
          value={value[input.prop]}
          ctx={ctx}
          tags={props.tags}
          error={errors?.props[input.prop]?.[0]}
          onChange={(v) => props.onChange(setProp(value, input.prop, v, ctx))}
        />
      ))}
      {stray.length > 0 && (
        <p className="field-error w-full" role="alert">
          {stray.join(' ')}
        </p>
      )}
    </div>
  );
}

type A11y = { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string };

function InputBox(props: { id: string; label: string; error?: string; unit?: string; children(a: A11y): React.ReactNode }) {
  const a: A11y = { id: props.id, ...(props.error ? { 'aria-invalid': true as const, 'aria-describedby': `${props.id}-err` } : {}) };
  return (
    <div className="min-w-32">
      <label htmlFor={props.id} className="mb-0.5 block text-xs font-medium text-slate-600">
        {props.label}
      </label>
      <div className="flex items-center gap-1.5">
        {props.children(a)}
        {props.unit && <span className="text-sm text-slate-500">{props.unit}</span>}
      </div>
      {props.error && (
        <p id={`${props.id}-err`} className="field-error max-w-64" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

function ConditionInput(props: { id: string; input: Input; value: unknown; ctx: CatalogContext; tags: string[]; error?: string; onChange(v: unknown): void }) {
  const { t } = useTranslation();
  const { input, value, error } = props;
  const cls = `input ${error ? 'input-invalid' : ''}`;
  const label = t(input.labelKey);
  const optionLabel = (o: { value: string; label?: string; labelKey?: string }) => (o.labelKey ? t(o.labelKey) : (o.label ?? o.value));
  const num = (v: string) => (v.trim() === '' ? '' : Number(v));
  return (
    <InputBox id={props.id} label={label} error={error} unit={input.unitKey ? t(input.unitKey) : input.kind === 'money' ? props.ctx.currency : undefined}>
      {(a) => {
        switch (input.kind) {
          case 'select':
            return (
              <select {...a} className={cls} value={String(value ?? '')} onChange={(e) => props.onChange(e.target.value)}>
                {(input.options ?? []).length === 0 && <option value="">{t('segments.input.none')}</option>}
                {(input.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {optionLabel(o)}
                  </option>
                ))}
              </select>
            );
          case 'boolean':
            return (
              <select {...a} className={cls} value={String(value)} onChange={(e) => props.onChange(e.target.value === 'true')}>
                <option value="true">{t('common.yes')}</option>
                <option value="false">{t('common.no')}</option>
              </select>
            );
          case 'number':
            return <input {...a} className={`${cls} w-28`} type="number" inputMode={input.whole ? 'numeric' : 'decimal'} min={input.min} max={input.max} step={input.whole ? 1 : 'any'} value={value === '' || value === undefined ? '' : String(value)} onChange={(e) => props.onChange(num(e.target.value))} />;
          case 'money':
            return (
              <input
                {...a}
                className={`${cls} w-32`}
                type="number"
                inputMode="decimal"
                min={0}
                step="any"
                value={typeof value === 'number' ? String(fromMinor(value, props.ctx.currency)) : ''}
                onChange={(e) => {
                  const v = num(e.target.value);
                  props.onChange(v === '' ? '' : toMinor(v, props.ctx.currency));
                }}
              />
            );
          case 'date':
            return <input {...a} className={cls} type="date" value={String(value ?? '')} onChange={(e) => props.onChange(e.target.value)} />;
          case 'choices': {
            const chosen = Array.isArray(value) ? (value as string[]) : [];
            return (
              <select
                {...a}
                multiple
                className={`${cls} min-h-16`}
                value={chosen}
                onChange={(e) => props.onChange([...e.target.selectedOptions].map((o) => o.value))}
              >
                {(input.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {optionLabel(o)}
                  </option>
                ))}
              </select>
            );
          }
          default:
            return (
              <>
                <input {...a} className={cls} type="text" list={input.suggest ? `${props.id}-list` : undefined} value={String(value ?? '')} maxLength={600} onChange={(e) => props.onChange(e.target.value)} />
                {input.suggest === 'tags' && (
                  <datalist id={`${props.id}-list`}>
                    {props.tags.map((tag) => (
                      <option key={tag} value={tag} />
                    ))}
                  </datalist>
                )}
              </>
            );
        }
      }}
    </InputBox>
  );
}
