import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

export function Spinner({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div role="status" className="flex items-center gap-2 p-6 text-sm text-slate-500">
      <span className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" aria-hidden />
      {label ?? t('common.loading')}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="card flex flex-col items-center gap-3 p-10 text-center">
      <h2 className="text-base font-semibold">{title}</h2>
      {children && <div className="max-w-md text-sm text-slate-600">{children}</div>}
      {action}
    </div>
  );
}

/**
 * An address under a section that names no page of it (an old link, a typo): said plainly, with
 * the way back to the section's start, rather than an empty page or a redirect the user never sees.
 */
export function PageNotFound({ back, section }: { back: string; section: string }) {
  const { t } = useTranslation();
  return (
    <EmptyState
      title={t('common.notFoundTitle')}
      action={
        <Link to={back} className="btn-secondary">
          {t('common.notFoundBack', { section })}
        </Link>
      }
    >
      {t('common.notFoundBody')}
    </EmptyState>
  );
}

/** What a non-administrator sees at an administrator's page (a shared link, an old bookmark). */
export function AdminOnly() {
  const { t } = useTranslation();
  return <ErrorNotice error={new Error(t('common.adminOnly'))} />;
}

export function ErrorNotice({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const message = error instanceof Error ? error.message : t('common.error');
  return (
    <div role="alert" className="rounded-md bg-rose-50 p-4 text-sm text-rose-800 ring-1 ring-rose-200">
      {message}
    </div>
  );
}

export function PageHeader({ title, actions }: { title: string; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <div className="flex gap-2">{actions}</div>
    </div>
  );
}
