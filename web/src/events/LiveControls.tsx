import { useTranslation } from 'react-i18next';

/** The pause/resume switch of a live list and what it has picked up so far. */
export function LiveControls({ live, onToggle, arrived }: { live: boolean; onToggle(): void; arrived: number }) {
  const { t } = useTranslation();
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="flex items-center gap-1.5 text-slate-600" role="status" aria-live="polite">
        <span aria-hidden className={`h-2 w-2 rounded-full ${live ? 'animate-pulse bg-emerald-500' : 'bg-slate-400'}`} />
        {live ? t('events.live.on') : t('events.live.paused')}
        {arrived > 0 && <span className="badge">{t('events.live.arrived', { count: arrived })}</span>}
      </span>
      <button type="button" className="btn-secondary py-1" aria-pressed={!live} onClick={onToggle}>
        {live ? t('events.live.pause') : t('events.live.resume')}
      </button>
    </div>
  );
}
