import { useTranslation } from 'react-i18next';
import { CSV_DELIMITERS, CSV_ENCODINGS, type CsvFormat } from './types.ts';

/**
 * How the server reads the uploaded file (detected from its bytes). Changing either choice makes
 * the server read the same upload again: a wrong guess shows as one wide column or broken letters
 * in the preview right below, so the fix is next to the symptom.
 */
export function FileFormat({ format, busy, onChange }: { format: CsvFormat; busy: boolean; onChange(next: CsvFormat): void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="card flex flex-wrap items-end gap-4 p-4" disabled={busy}>
      <legend className="sr-only">{t('import.format')}</legend>
      <div>
        <p className="font-semibold">{t('import.format')}</p>
        <p className="text-xs text-slate-500">{t('import.formatHint')}</p>
      </div>
      <div>
        <label htmlFor="import-encoding" className="label">
          {t('import.encodingLabel')}
        </label>
        <select id="import-encoding" className="input py-1" value={format.encoding} onChange={(e) => onChange({ ...format, encoding: e.target.value as CsvFormat['encoding'] })}>
          {CSV_ENCODINGS.map((enc) => (
            <option key={enc} value={enc}>
              {t(`import.encoding.${enc}`)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="import-delimiter" className="label">
          {t('import.delimiterLabel')}
        </label>
        <select id="import-delimiter" className="input py-1" value={format.delimiter} onChange={(e) => onChange({ ...format, delimiter: e.target.value as CsvFormat['delimiter'] })}>
          {CSV_DELIMITERS.map((d) => (
            <option key={d} value={d}>
              {t(`import.delimiter.${d}`)}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
