import type { ReactNode } from 'react';

/**
 * One label/value line of a 360 card's <dl>. The warning tone is for something the user should act
 * on (an overdue payment): besides the amber colour it carries a warning sign and a heavier weight,
 * and its words say what is wrong, so colour is never the only signal.
 */
export function Row({ label, children, tone, testId }: { label: string; children: ReactNode; tone?: 'warning'; testId?: string }) {
  if (tone === 'warning') {
    return (
      <div className="-mx-2 flex justify-between gap-4 rounded-md bg-amber-50 px-2 py-1.5 text-sm font-medium text-amber-900 ring-1 ring-amber-300 ring-inset" data-testid={testId}>
        <dt>
          <span aria-hidden="true">⚠ </span>
          {label}
        </dt>
        <dd className="text-end">{children}</dd>
      </div>
    );
  }
  return (
    <div className="flex justify-between gap-4 py-1.5 text-sm" data-testid={testId}>
      <dt className="text-slate-500">{label}</dt>
      <dd className="text-end text-slate-900">{children}</dd>
    </div>
  );
}
