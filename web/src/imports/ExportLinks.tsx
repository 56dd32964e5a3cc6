import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { IMPORT_KINDS, type CsvFormat } from './types.ts';

/**
 * Whole-workspace CSV downloads. Plain links: the browser streams the file to disk with the
 * session cookie, however large. Semicolons are offered because a spreadsheet in a locale whose
 * decimal mark is a comma opens a comma file as one column per row.
 */
export function ExportLinks() {
  const { t } = useTranslation();
  const [delimiter, setDelimiter] = useState<CsvFormat['delimiter']>('comma');
  return (
    <section className="card mt-8 space-y-3 p-4" aria-labelledby="export-title">
      <h2 id="export-title" className="font-semibold">
        {t('import.export.title')}
      </h2>
      <p className="text-sm text-slate-600">{t('import.export.hint')}</p>
      <div>
        <label htmlFor="export-delimiter" className="label">
          {t('import.delimiterLabel')}
        </label>
        <select id="export-delimiter" className="input w-auto py-1" value={delimiter} onChange={(e) => setDelimiter(e.target.value as CsvFormat['delimiter'])}>
          <option value="comma">{t('import.delimiter.comma')}</option>
          <option value="semicolon">{t('import.export.semicolonForSpreadsheets')}</option>
          <option value="tab">{t('import.delimiter.tab')}</option>
        </select>
      </div>
      <ul className="flex flex-wrap gap-2">
        {IMPORT_KINDS.map((kind) => (
          <li key={kind}>
            <a className="btn-secondary" href={`/api/v1/exports/${kind}.csv?delimiter=${delimiter}`} download={`${kind}.csv`}>
              {t('import.export.download', { what: t(`import.kind.${kind}`) })}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
