import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { post } from '../api/client.ts';
import { Field, SelectField } from '../ui/Field.tsx';
import { ErrorNotice, Spinner } from '../ui/states.tsx';
import { useCanWriteCustomers } from '../auth/session.tsx';
import { ATTRIBUTE_DEFS_KEY, useAttributeDefs } from '../customers/attribute-defs.ts';
import { useSubmit } from './useForm.ts';

const TYPES = ['text', 'number', 'date', 'boolean', 'choice'];

export function AttributesSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const defs = useAttributeDefs();
  const [d, setD] = useState({ key: '', label: '', type: 'text', choices: '', appliesTo: 'person' });
  const s = useSubmit();
  const canWrite = useCanWriteCustomers();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void s.run(async () => {
      const choices = d.choices.split(',').map((c) => c.trim()).filter(Boolean);
      await post('/attributes', { key: d.key, label: d.label, type: d.type, appliesTo: d.appliesTo, ...(d.type === 'choice' ? { choices } : {}) });
      setD({ key: '', label: '', type: 'text', choices: '', appliesTo: 'person' });
      await qc.invalidateQueries({ queryKey: ATTRIBUTE_DEFS_KEY });
    });
  };

  return (
    <div className="space-y-6">
      <section className="card overflow-x-auto p-4">
        <h2 className="mb-2 text-base font-semibold">{t('settings.attributes')}</h2>
        {defs.isLoading ? (
          <Spinner />
        ) : defs.data?.items.length ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('settings.attrLabel')}</th>
                <th scope="col">{t('settings.attrKey')}</th>
                <th scope="col">{t('settings.attrType')}</th>
                <th scope="col">{t('settings.attrChoices')}</th>
              </tr>
            </thead>
            <tbody>
              {defs.data.items.map((a) => (
                <tr key={a.key}>
                  <td>{a.label}</td>
                  <td className="font-mono">{a.key}</td>
                  <td>{t(`attrType.${a.type}`)}</td>
                  <td>{a.choices?.join(', ') ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-slate-500">{t('settings.noAttributes')}</p>
        )}
      </section>
      {canWrite && (
        <form onSubmit={submit} className="card max-w-xl space-y-4 p-6" noValidate>
          <h2 className="text-base font-semibold">{t('settings.newAttribute')}</h2>
          <Field label={t('settings.attrLabel')} value={d.label} onChange={(e) => setD({ ...d, label: e.target.value })} error={s.fieldError('label')} />
          <Field label={t('settings.attrKey')} hint={t('settings.attrKeyHint')} value={d.key} onChange={(e) => setD({ ...d, key: e.target.value })} error={s.fieldError('key')} />
          <SelectField label={t('settings.attrType')} value={d.type} onChange={(e) => setD({ ...d, type: e.target.value })} options={TYPES.map((x) => ({ value: x, label: t(`attrType.${x}`) }))} />
          {d.type === 'choice' && (
            <Field label={t('settings.attrChoices')} hint={t('settings.attrChoicesHint')} value={d.choices} onChange={(e) => setD({ ...d, choices: e.target.value })} error={s.fieldError('choices')} />
          )}
          <SelectField
            label={t('settings.attrAppliesTo')}
            value={d.appliesTo}
            onChange={(e) => setD({ ...d, appliesTo: e.target.value })}
            options={['person', 'company', 'both'].map((x) => ({ value: x, label: t(`settings.appliesTo.${x}`) }))}
          />
          {s.error && !s.fieldError('key') && !s.fieldError('label') && <ErrorNotice error={s.error} />}
          <button className="btn-primary" disabled={s.busy}>
            {t('common.create')}
          </button>
        </form>
      )}
    </div>
  );
}
